"""A provider network mirror over HTTPS on loopback, for tests/platforms_mirror.rs.

    network_mirror.py DIST ROOT CERT KEY

lays out ROOT/registry.terraform.io/acronis/acronis/ in the provider network mirror protocol
(index.json; VERSION.json listing each platform's zip with its h1: and zh: hashes; the zips
from DIST), serves ROOT over HTTPS on 127.0.0.1 with the certificate CERT (PEM, the chain) and
key KEY, prints the port on one line, and serves until stdin closes.
"""
import base64, hashlib, http.server, json, os, re, shutil, ssl, sys, threading, zipfile

dist, root, cert, key = sys.argv[1:5]
here = os.path.join(root, "registry.terraform.io", "acronis", "acronis")
os.makedirs(here, exist_ok=True)
pattern = re.compile(r"^terraform-provider-acronis_(?P<version>[^_]+)_(?P<platform>[a-z0-9]+_[a-z0-9]+)\.zip$")
versions = {}
for name in sorted(os.listdir(dist)):
    m = pattern.match(name)
    if not m:
        continue
    path = os.path.join(dist, name)
    shutil.copy(path, os.path.join(here, name))
    # h1: Go's dirhash Hash1 over the files in the zip; zh: the zip's own SHA-256.
    with zipfile.ZipFile(path) as z:
        lines = "".join(
            "%s  %s\n" % (hashlib.sha256(z.read(n)).hexdigest(), n) for n in sorted(z.namelist())
        )
    h1 = "h1:" + base64.b64encode(hashlib.sha256(lines.encode()).digest()).decode()
    with open(path, "rb") as f:
        zh = "zh:" + hashlib.sha256(f.read()).hexdigest()
    versions.setdefault(m["version"], {})[m["platform"]] = {"url": name, "hashes": [h1, zh]}

with open(os.path.join(here, "index.json"), "w") as f:
    json.dump({"versions": {v: {} for v in versions}}, f)
for version, archives in versions.items():
    with open(os.path.join(here, version + ".json"), "w") as f:
        json.dump({"archives": archives}, f)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=root, **kwargs)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
