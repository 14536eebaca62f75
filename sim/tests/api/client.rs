//! A tiny HTTP/1.1 client over `std::net::TcpStream` (one request per connection), so the
//! tests see exactly what goes over the wire, dropped connections included.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use acronis_sim::{SimConfig, Simulator};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

/// One HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    /// `error.code` of an account-API error body.
    pub fn error_code(&self) -> Value {
        self.json()["error"]["code"].clone()
    }
}

/// Sends one request to the simulator at `base` ("http://host:port"); an error means no answer.
pub fn send(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Reply> {
    let host = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse(&raw)
}

fn parse(raw: &[u8]) -> io::Result<Reply> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    if raw.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed without an answer",
        ));
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| invalid("no end of headers"))?;
    let head = std::str::from_utf8(&raw[..split]).map_err(|_| invalid("head not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| invalid("bad status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut reply = Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    };
    if reply
        .header("transfer-encoding")
        .is_some_and(|te| te.eq_ignore_ascii_case("chunked"))
    {
        reply.body = dechunk(&reply.body).ok_or_else(|| invalid("bad chunked body"))?;
    }
    Ok(reply)
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// Encodes `id:secret` for HTTP Basic.
pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// A client of one simulator, holding a bearer token.
pub struct Api {
    pub base: String,
    pub token: String,
}

impl Api {
    /// Fetches a token with the default credentials.
    pub fn login(sim: &Simulator) -> Api {
        let base = sim.base_url();
        let config = SimConfig::default();
        let token = token_with_basic(&base, &config.client_id, &config.client_secret);
        assert_eq!(token.status, 200, "token: {}", token.text());
        let token = token.json()["access_token"]
            .as_str()
            .expect("access_token is a string")
            .to_owned();
        Api { base, token }
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    pub fn try_get(&self, path: &str) -> io::Result<Reply> {
        send(
            &self.base,
            "GET",
            path,
            &[("Authorization", &self.bearer())],
            b"",
        )
    }

    pub fn get(&self, path: &str) -> Reply {
        self.try_get(path).expect("an answer")
    }

    pub fn put_json(&self, path: &str, body: &Value) -> Reply {
        let body = body.to_string();
        send(
            &self.base,
            "PUT",
            path,
            &[
                ("Authorization", &self.bearer()),
                ("Content-Type", "application/json"),
            ],
            body.as_bytes(),
        )
        .expect("an answer")
    }

    pub fn delete(&self, path: &str) -> Reply {
        send(
            &self.base,
            "DELETE",
            path,
            &[("Authorization", &self.bearer())],
            b"",
        )
        .expect("an answer")
    }
}

/// `POST /api/2/idp/token` with Basic credentials and the client-credentials grant.
pub fn token_with_basic(base: &str, id: &str, secret: &str) -> Reply {
    token_request(
        base,
        &[("Authorization", &basic(id, secret))],
        "grant_type=client_credentials",
    )
}

/// `POST /api/2/idp/token` with a form body and extra headers.
pub fn token_request(base: &str, headers: &[(&str, &str)], form: &str) -> Reply {
    let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    send(base, "POST", "/api/2/idp/token", &all, form.as_bytes()).expect("an answer")
}

/// A call to the admin API with a JSON body (or none).
pub fn admin(sim: &Simulator, method: &str, path: &str, body: Option<&Value>) -> Reply {
    let text = body.map(Value::to_string).unwrap_or_default();
    let headers: &[(&str, &str)] = if body.is_some() {
        &[("Content-Type", "application/json")]
    } else {
        &[]
    };
    send(&sim.base_url(), method, path, headers, text.as_bytes()).expect("an answer")
}

/// A body-less admin call to a simulator known only by its URL (e.g. the binary's).
pub fn admin_url(base: &str, method: &str, path: &str) -> Reply {
    send(base, method, path, &[], b"").expect("an answer")
}
