//! The provider's user documentation, rendered from its schemas and from the configurations
//! under `examples/`, so that what the docs say cannot drift from what the provider does.
//!
//! The pages follow the public Terraform registry's layout and conventions (those of providers
//! documented with tfplugindocs): `docs/index.md` for the provider, `docs/resources/NAME.md`,
//! `docs/data-sources/NAME.md` and `docs/list-resources/NAME.md` (NAME being the type name
//! without the `acronis_` prefix), each
//! opening with YAML front matter, then the description, `## Example Usage` and `## Schema`
//! with the attributes grouped as Required, Optional and Read-Only.
//!
//! The pages list what the provider's registry serves, so a new type gets its page without
//! being named here. `main.rs` compares the committed `docs/` with [`render_all`]; `make docs`
//! rewrites it.

use std::io;
use std::path::{Path, PathBuf};

use terraform_provider_acronis::provider::{config, registry};
use terraform_provider_acronis::tfproto::schema::{
    Attribute, IdentitySchemaDef, Mode, SchemaDef, Type,
};

/// The prefix every type name of this provider starts with; page names leave it out.
const TYPE_PREFIX: &str = "acronis_";

/// What a page documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Resource,
    DataSource,
    /// A list resource, for the `list` blocks of `terraform query`.
    ListResource,
}

impl Kind {
    /// The words the registry puts in titles: `Resource`, `Data Source` or `List Resource`.
    fn title(self) -> &'static str {
        match self {
            Kind::Resource => "Resource",
            Kind::DataSource => "Data Source",
            Kind::ListResource => "List Resource",
        }
    }

    /// The folder of both the page under `docs/` and its examples under `examples/`.
    fn folder(self) -> &'static str {
        match self {
            Kind::Resource => "resources",
            Kind::DataSource => "data-sources",
            Kind::ListResource => "list-resources",
        }
    }

    /// The file of the example usage in the type's example folder.
    fn example_file(self) -> &'static str {
        match self {
            Kind::Resource => "resource.tf",
            Kind::DataSource => "data-source.tf",
            Kind::ListResource => "list-resource.tfquery.hcl",
        }
    }
}

/// One resource or data source of the provider, as far as its page needs.
pub struct TypeDoc {
    pub kind: Kind,
    pub type_name: &'static str,
    pub schema: &'static SchemaDef,
    /// The identity schema of a resource that can be imported; `None` for no import section.
    pub identity: Option<&'static IdentitySchemaDef>,
}

/// Every resource, then every data source, then every list resource of the provider's
/// registry.
pub fn types() -> Vec<TypeDoc> {
    let registry = registry();
    let resources = registry.resources().map(|r| TypeDoc {
        kind: Kind::Resource,
        type_name: r.type_name(),
        schema: r.schema(),
        identity: r.identity_schema(),
    });
    let data_sources = registry.data_sources().map(|d| TypeDoc {
        kind: Kind::DataSource,
        type_name: d.type_name(),
        schema: d.schema(),
        identity: None,
    });
    let list_resources = registry.list_resources().map(|l| TypeDoc {
        kind: Kind::ListResource,
        type_name: l.type_name(),
        schema: l.schema(),
        identity: None,
    });
    resources
        .chain(data_sources)
        .chain(list_resources)
        .collect()
}

/// Every page: its path relative to the repository root (e.g. `docs/index.md`) and its
/// Markdown. `examples_root` is the `examples/` folder the pages embed files from.
pub fn render_all(examples_root: &Path) -> io::Result<Vec<(PathBuf, String)>> {
    let mut pages = vec![(
        PathBuf::from("docs/index.md"),
        render_provider(examples_root)?,
    )];
    for doc in types() {
        pages.push((page_path(&doc), render_type(&doc, examples_root)?));
    }
    Ok(pages)
}

/// Where the page of a resource or data source goes, relative to the repository root.
pub fn page_path(doc: &TypeDoc) -> PathBuf {
    let short = doc
        .type_name
        .strip_prefix(TYPE_PREFIX)
        .unwrap_or(doc.type_name);
    Path::new("docs")
        .join(doc.kind.folder())
        .join(format!("{short}.md"))
}

/// `docs/index.md`: the provider, how to authenticate, its environment variables and schema.
pub fn render_provider(examples_root: &Path) -> io::Result<String> {
    let schema = config::schema();
    let mut page = front_matter("Acronis Provider", schema.description);
    page.push_str("# Acronis Provider\n\n");
    page.push_str(schema.description);
    page.push_str("\n\n");
    page.push_str(&example_usage(
        examples_root,
        &Path::new("provider").join("provider.tf"),
    )?);
    page.push_str(TERRAFORM_VERSIONS);
    page.push_str(AUTHENTICATION);
    page.push_str(&environment_table());
    page.push_str(BATCHED_READS);
    page.push_str(&schema_section(schema));
    Ok(page)
}

/// The page of one resource or data source.
pub fn render_type(doc: &TypeDoc, examples_root: &Path) -> io::Result<String> {
    let title = doc.kind.title();
    let mut page = front_matter(
        &format!("{} {title} - terraform-provider-acronis", doc.type_name),
        doc.schema.description,
    );
    page.push_str(&format!("# {} ({title})\n\n", doc.type_name));
    page.push_str(doc.schema.description);
    page.push_str("\n\n");
    let folder = Path::new(doc.kind.folder()).join(doc.type_name);
    page.push_str(&example_usage(
        examples_root,
        &folder.join(doc.kind.example_file()),
    )?);
    if doc.kind == Kind::ListResource {
        page.push_str(&list_usage(doc.type_name));
        page.push_str(&example_session(examples_root, &folder)?);
    }
    page.push_str(&schema_section(doc.schema));
    if let Some(identity) = doc.identity {
        page.push_str(&import_section(
            doc.type_name,
            identity,
            examples_root,
            &folder,
        )?);
    }
    Ok(page)
}

/// How a list resource is used and what its results are, before its schema.
fn list_usage(type_name: &str) -> String {
    let short = type_name.strip_prefix(TYPE_PREFIX).unwrap_or(type_name);
    format!(
        "## Usage\n\n\
         List resources need Terraform 1.14 or later. Write `list` blocks in files ending \
         `.tfquery.hcl`, with the attributes below in their `config` block, and run \
         `terraform query`. The `list` block's own arguments are Terraform's: `limit` (how \
         many results at most, 100 by default) and `include_resource` (each result's full \
         state too). Each result names one object by its `{type_name}` \
         [identity](../resources/{short}.md#import); `terraform query \
         -generate-config-out=FILE` writes, for each, a resource block and an `import` block, \
         which `terraform plan` and `terraform apply` then import.\n\n"
    )
}

/// The file of a list resource's example folder holding a recorded `terraform query` session.
pub const SESSION_FILE: &str = "session.console";

/// `### Example Session`: the recorded session of the type's example folder, if it has one.
fn example_session(examples_root: &Path, folder: &Path) -> io::Result<String> {
    let relative = folder.join(SESSION_FILE);
    if !examples_root.join(&relative).exists() {
        return Ok(String::new());
    }
    let session = read_example(examples_root, &relative)?;
    Ok(format!(
        "### Example Session\n\nRecorded against the API simulator with Terraform 1.15.5 \
         (the warning about development overrides left out):\n\n{}\n",
        code_block("console", &session)
    ))
}

/// The YAML front matter the registry reads the page title and summary from, then a note
/// (invisible once rendered) saying where the page comes from.
fn front_matter(title: &str, description: &str) -> String {
    let mut out = format!("---\npage_title: \"{title}\"\nsubcategory: \"\"\ndescription: |-\n");
    for line in description.lines() {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str("---\n\n");
    out.push_str(
        "<!-- Generated by `make docs` from the provider's schema (src/) and examples/: \
         edit those, not this file. -->\n\n",
    );
    out
}

/// `## Example Usage` with the example file in a `terraform` code block.
fn example_usage(examples_root: &Path, relative: &Path) -> io::Result<String> {
    let example = read_example(examples_root, relative)?;
    Ok(format!(
        "## Example Usage\n\n{}\n",
        code_block("terraform", &example)
    ))
}

/// A fenced code block holding `content` without its trailing blank lines.
fn code_block(language: &str, content: &str) -> String {
    format!("```{language}\n{}\n```\n", content.trim_end())
}

/// An example file's text; a missing or unreadable file is an error naming it.
fn read_example(examples_root: &Path, relative: &Path) -> io::Result<String> {
    let path = examples_root.join(relative);
    std::fs::read_to_string(&path)
        .map_err(|e| io::Error::new(e.kind(), format!("example {}: {e}", path.display())))
}

/// `## Schema`: the attributes by how they are set, each group sorted by name as on the
/// registry. Empty groups are left out.
pub fn schema_section(schema: &SchemaDef) -> String {
    let mut out = String::from("## Schema\n");
    for heading in ["Required", "Optional", "Read-Only"] {
        let mut attributes: Vec<&Attribute> = schema
            .attributes
            .iter()
            .filter(|a| group_of(a.mode) == heading)
            .collect();
        if attributes.is_empty() {
            continue;
        }
        attributes.sort_by_key(|a| a.name);
        out.push_str(&format!("\n### {heading}\n\n"));
        for attribute in attributes {
            out.push_str(&attribute_line(attribute));
        }
    }
    for attribute in schema.attributes {
        if let Type::ObjectList(nested) = attribute.ty {
            out.push_str(&nested_section(attribute, nested));
        }
    }
    out
}

/// The attributes of the objects in a list attribute, under an anchor its line links to.
fn nested_section(attribute: &Attribute, nested: &[Attribute]) -> String {
    let mut out = format!(
        "\n<a id=\"nestedatt--{name}\"></a>\n### Nested Schema for `{name}`\n\n{group}:\n\n",
        name = attribute.name,
        group = group_of(attribute.mode),
    );
    let mut nested: Vec<&Attribute> = nested.iter().collect();
    nested.sort_by_key(|a| a.name);
    for a in nested {
        out.push_str(&attribute_line(a));
    }
    out
}

/// The `## Schema` group an attribute is listed in: what the user may or must do with it.
fn group_of(mode: Mode) -> &'static str {
    match mode {
        Mode::Required => "Required",
        // With a provider-chosen default, still the user's to set or leave out.
        Mode::Optional | Mode::OptionalComputed => "Optional",
        Mode::Computed => "Read-Only",
    }
}

/// One attribute as a list item: ``- `name` (Type, Sensitive) Description``.
pub fn attribute_line(attribute: &Attribute) -> String {
    let flags = if attribute.sensitive {
        ", Sensitive"
    } else {
        ""
    };
    let nested = match attribute.ty {
        Type::ObjectList(_) => format!(
            " (see [below for nested schema](#nestedatt--{}))",
            attribute.name
        ),
        _ => String::new(),
    };
    format!(
        "- `{}` ({}{flags}) {}{}{nested}\n",
        attribute.name,
        attribute.ty.name(),
        attribute.description,
        allowed_values(attribute.choices)
    )
}

/// ` Allowed values: `a`, `b`.` for an attribute with choices; nothing for any other.
fn allowed_values(choices: &[&str]) -> String {
    if choices.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
    format!(" Allowed values: {}.", quoted.join(", "))
}

/// `## Import`: the command-line form, the `import` block by id, the `import` block by
/// identity, and the identity's attributes.
fn import_section(
    type_name: &str,
    identity: &IdentitySchemaDef,
    examples_root: &Path,
    folder: &Path,
) -> io::Result<String> {
    let command = read_example(examples_root, &folder.join("import.sh"))?;
    let by_id = read_example(examples_root, &folder.join("import-by-string-id.tf"))?;
    let by_identity = read_example(examples_root, &folder.join("import-by-identity.tf"))?;
    let mut out = String::from("\n## Import\n\n");
    out.push_str(&format!(
        "An existing `{type_name}` can be brought under Terraform's management. Importing only \
         reads it: nothing changes in Acronis until you apply a configuration that differs.\n\n"
    ));
    out.push_str("With the `terraform import` command and the id:\n\n");
    out.push_str(&code_block("shell", &command));
    out.push_str("\nIn Terraform 1.5 and later, with an `import` block and the id:\n\n");
    out.push_str(&code_block("terraform", &by_id));
    out.push_str(
        "\nIn Terraform 1.12 and later, with an `import` block and the resource identity:\n\n",
    );
    out.push_str(&code_block("terraform", &by_identity));
    out.push_str("\n### Identity Schema\n");
    let (required, optional): (Vec<_>, Vec<_>) = identity
        .attributes
        .iter()
        .partition(|a| a.required_for_import);
    for (heading, attributes) in [("Required", required), ("Optional", optional)] {
        if attributes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n#### {heading}\n\n"));
        for a in attributes {
            out.push_str(&format!(
                "- `{}` ({}) {}\n",
                a.name,
                a.ty.name(),
                a.description
            ));
        }
    }
    Ok(out)
}

/// `## Environment Variables`: every variable the provider reads, from [`config::ENVIRONMENT`].
fn environment_table() -> String {
    let mut out = String::from(
        "## Environment Variables\n\n\
         Each of these stands in for a provider argument left out of the provider block. A value \
         in the provider block wins over the variable; an argument set to an empty string is an \
         error, not a fallback.\n\n\
         | Variable | Argument | Sensitive |\n\
         | --- | --- | --- |\n",
    );
    for (variable, argument) in config::ENVIRONMENT {
        let sensitive = config::schema()
            .attribute(argument)
            .is_some_and(|a| a.sensitive);
        out.push_str(&format!(
            "| `{variable}` | `{argument}` | {} |\n",
            if sensitive { "yes" } else { "no" }
        ));
    }
    out.push_str(
        "\nBehind an HTTP proxy, set `HTTPS_PROXY` (or `ALL_PROXY`) to its `http://host:port` \
         address, with `user:password@` before the host if it wants credentials; hosts listed in \
         `NO_PROXY` are reached directly, and so are loopback addresses. The provider asks the \
         proxy for a `CONNECT` tunnel, so TLS still runs end to end to the API.\n\n",
    );
    out
}

/// The Terraform versions `make test-matrix` proves the provider on, and what needs which.
const TERRAFORM_VERSIONS: &str = r#"## Terraform Versions

Every release is tested with real Terraform 1.6.6, 1.9.8, 1.11.4, 1.12.2, 1.14.9 and 1.15.5:
creating and disabling, the empty plan after apply, drift, saved plans, `terraform import`,
`import` blocks, destroy policies, the data sources, batched refreshes and `terraform query`.

| Terraform | Supported |
| --- | --- |
| 1.6 to 1.11 | everything except import by `identity` and `terraform query` |
| 1.12 and 1.13 | everything except `terraform query`, including resource identity (`import` blocks with `identity`) |
| 1.14 and later | everything, including `terraform query` with the [list resource](list-resources/user_status.md) and generated configuration |
| before 1.6 | not tested |

On Terraform 1.10 to 1.14, `terraform plan -refresh-only -detailed-exitcode` exits 2 right
after an apply with nothing drifted (a Terraform bug, for every provider). For scheduled drift
checks use the script in the [drift detection guide](guides/drift-detection.md), which is right
on every version.

"#;

/// What `batch_reads` does, and when to turn it off.
const BATCHED_READS: &str = r#"## Batched Reads

Terraform refreshes each resource with a read of its own. When many of those reads arrive
while the API is busy answering others (a `plan` over many accounts, a drift check), the
provider sends them together, up to 100 accounts per `GET /api/2/users?uuids=...`, instead
of one `GET` each. Against an API that answers in about 20 ms, a refresh of 1000 accounts makes
about 300 read calls at Terraform's default `-parallelism=10` and about 110 at
`-parallelism=50` instead of 1000, in about the same time, which keeps large runs clear of the
API's rate limits. The more reads Terraform runs at once, the larger the batches.

- A read that arrives when no other is in flight is sent at once, alone: with
  `-parallelism=1` nothing ever waits.
- A read waits only while a call is already in flight, and at most a twentieth of a typical
  call's time (at least a millisecond) before a call of its own may start.
- An account missing from a batch answer is read again by itself before the provider reports it
  gone, so a lagging replica never makes Terraform plan to re-create a resource.
- Refreshes ask for the light `lod=basic` (id, revision, status); `acronis_user` asks for the
  whole account.
- Only an account's own address may say it is gone. A batch call is retried like any read
  (HTTP 429 and 5xx, honouring `Retry-After`); if it still fails, with any status, each read it
  carried is sent again as `GET /api/2/users/{id}`, and only that answer counts. An item of a
  batch answer that cannot be read (a field of the wrong type, say) sends only its own account
  to its own address.
- The batch endpoint exists in the cloud only. When it answers 404, 405 or 501 the provider
  logs one warning and reads every account by itself for the rest of the run: a server without
  it costs one wasted call, and never a resource dropped from state.

Set `batch_reads = false` (or `ACRONIS_BATCH_READS=false`) for one `GET /api/2/users/{id}`
per resource, for instance to match API logs to resources one by one.

"#;

/// How to get credentials and hand them to the provider.
const AUTHENTICATION: &str = r#"## Authentication

The provider calls the account-management API (`/api/2`) of the Acronis data center your
account lives in. It signs in as an **API client**, with the OAuth 2.0 client-credentials flow,
or uses a bearer token you obtained elsewhere.

### 1. Create an API client

An API client is a platform account for a program rather than a person. It belongs to the
tenant it is created in, can act on that tenant and its sub-tenants, and inherits the service
roles of the administrator who creates it. Its credentials do not expire; the secret is shown
once, when the client is created (it can be reset later).

- **In the console:** sign in to the management portal as an administrator, open
  **Settings > API clients**, click **Create API client** and name it, e.g. `terraform`. Copy
  the client ID, the secret and the data center URL that the dialog shows.
- **With the API:** as an administrator holding a bearer token, call `POST /api/2/clients`
  with the type `api_client` and the id of your tenant. The answer (`201 Created`) carries
  `client_id` and `client_secret`.

```shell
curl -X POST "https://eu2-cloud.acronis.com/api/2/clients" \
  -H "Authorization: Bearer $ADMIN_TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"type": "api_client", "tenant_id": "<your tenant id>", "token_endpoint_auth_method": "client_secret_basic", "data": {"client_name": "terraform"}}'
```

### 2. Find the data-center URL

`base_url` is the address of your data center: the scheme and host of the console you sign in
to, such as `https://eu2-cloud.acronis.com` or `https://us-cloud.acronis.com`. The console
shows it as the data center URL when it creates an API client. The API lives under `/api/2`
there; `base_url` may be written with or without that path.

### 3. Give the credentials to the provider

Keep the secret out of the configuration: declare sensitive input variables as in the example
above and set them with `TF_VAR_acronis_client_id` and `TF_VAR_acronis_client_secret`, or leave
the arguments out of the provider block and set the provider's own environment variables:

```shell
export ACRONIS_BASE_URL="https://eu2-cloud.acronis.com"
export ACRONIS_CLIENT_ID="<client id>"
export ACRONIS_CLIENT_SECRET="<secret>"
terraform plan
```

The provider exchanges the client's credentials for an access token
(`POST /api/2/idp/token`) and fetches a new one before it expires, so long runs are fine.

### Alternatively: an access token

When something else mints the token, set `access_token` (or `ACRONIS_ACCESS_TOKEN`) instead of
`client_id` and `client_secret`. The provider cannot renew such a token, so it must stay valid
for the whole run (Acronis tokens last about two hours). Use one way to authenticate: setting
both a token and client credentials is an error.

"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary `examples/` tree with a marker line in every file the pages embed.
    fn examples() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut files = vec!["provider/provider.tf".to_owned()];
        for t in types() {
            let folder = format!("{}/{}", t.kind.folder(), t.type_name);
            files.push(format!("{folder}/{}", t.kind.example_file()));
            if t.identity.is_some() {
                for name in [
                    "import.sh",
                    "import-by-string-id.tf",
                    "import-by-identity.tf",
                ] {
                    files.push(format!("{folder}/{name}"));
                }
            }
        }
        for file in &files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, format!("# marker of {file}\n\n\n")).expect("write example");
        }
        dir
    }

    fn page(pages: &[(PathBuf, String)], path: impl AsRef<Path>) -> String {
        let path = path.as_ref();
        pages
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, text)| text.clone())
            .unwrap_or_else(|| panic!("no page {path:?}"))
    }

    /// The lines of the `### heading` group of a page's `## Schema` section.
    fn group(page: &str, heading: &str) -> Vec<String> {
        let schema = page.split("## Schema\n").nth(1).expect("a schema section");
        let schema = schema.split("\n## ").next().expect("section text");
        schema
            .split(&format!("### {heading}\n\n"))
            .nth(1)
            .map(|rest| {
                rest.lines()
                    .take_while(|l| l.starts_with("- "))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn names(lines: &[String]) -> Vec<&str> {
        lines
            .iter()
            .map(|l| l.split('`').nth(1).expect("a quoted name"))
            .collect()
    }

    #[test]
    fn pages_go_where_the_registry_looks() {
        let dir = examples();
        let pages = render_all(dir.path()).expect("render");
        let paths: Vec<_> = pages.iter().map(|(p, _)| p.clone()).collect();
        let mut expected = vec![PathBuf::from("docs/index.md")];
        expected.extend(types().iter().map(|t| {
            let name = t.type_name.strip_prefix(TYPE_PREFIX).expect("prefixed");
            Path::new("docs")
                .join(t.kind.folder())
                .join(format!("{name}.md"))
        }));
        assert_eq!(paths, expected);
        assert!(paths.contains(&PathBuf::from("docs/resources/user_status.md")));
        assert!(paths.contains(&PathBuf::from("docs/data-sources/users.md")));
        for (path, text) in &pages {
            assert!(
                text.starts_with("---\npage_title: \""),
                "{path:?} front matter:\n{text}"
            );
            assert!(
                text.contains("\nsubcategory: \"\"\ndescription: |-\n  "),
                "{path:?}"
            );
            let closing = text[4..].find("\n---\n").expect("front matter is closed");
            assert!(
                !text[4..4 + closing].contains("```"),
                "{path:?}: front matter holds only YAML"
            );
        }
        let resource = page(&pages, "docs/resources/user_status.md");
        assert!(resource.contains(
            "page_title: \"acronis_user_status Resource - terraform-provider-acronis\"\n"
        ));
        assert!(resource.contains("\n# acronis_user_status (Resource)\n"));
        let data = page(&pages, "docs/data-sources/user.md");
        assert!(data.contains("\n# acronis_user (Data Source)\n"));
    }

    #[test]
    fn attributes_are_grouped_by_how_they_are_set() {
        let dir = examples();
        let types = types();
        let resource = render_type(&types[0], dir.path()).expect("render");
        assert_eq!(names(&group(&resource, "Required")), ["enabled", "user_id"]);
        // Optional with a provider-chosen default is still optional to the user.
        assert_eq!(names(&group(&resource, "Optional")), ["on_destroy"]);
        assert_eq!(names(&group(&resource, "Read-Only")), ["id", "version"]);
        assert!(group(&resource, "Read-Only")[1].starts_with("- `version` (Number) "));
        assert!(group(&resource, "Required")[0].starts_with("- `enabled` (Boolean) "));

        let data = render_type(&types[1], dir.path()).expect("render");
        assert_eq!(names(&group(&data, "Required")), ["id"]);
        assert!(group(&data, "Optional").is_empty());
        assert!(!data.contains("### Optional"), "empty groups are left out");
        let read_only_lines = group(&data, "Read-Only");
        let read_only = names(&read_only_lines);
        let mut sorted = read_only.clone();
        sorted.sort_unstable();
        assert_eq!(read_only, sorted, "sorted by name");
        assert_eq!(read_only.len(), types[1].schema.attributes.len() - 1);
    }

    #[test]
    fn every_attribute_is_listed_once_with_its_description() {
        let dir = examples();
        let pages = render_all(dir.path()).expect("render");
        let schemas = std::iter::once((PathBuf::from("docs/index.md"), config::schema()))
            .chain(types().into_iter().map(|t| (page_path(&t), t.schema)));
        for (path, schema) in schemas {
            let text = page(&pages, &path);
            for a in schema.attributes {
                let line = attribute_line(a);
                assert_eq!(
                    text.matches(&line).count(),
                    1,
                    "{line} in {path:?}:\n{text}"
                );
                assert!(line.contains(&format!(") {}", a.description)), "{line}");
            }
        }
    }

    #[test]
    fn list_attributes_link_to_the_schema_of_their_objects() {
        let dir = examples();
        let users = page(
            &render_all(dir.path()).expect("render"),
            "docs/data-sources/users.md",
        );
        let line = group(&users, "Read-Only")
            .into_iter()
            .find(|l| l.starts_with("- `users` "))
            .expect("users is listed");
        assert!(line.starts_with("- `users` (List of Object) "), "{line}");
        assert!(
            line.ends_with("(see [below for nested schema](#nestedatt--users))"),
            "{line}"
        );
        let nested = users
            .split(
                "<a id=\"nestedatt--users\"></a>\n### Nested Schema for `users`\n\nRead-Only:\n\n",
            )
            .nth(1)
            .expect("a nested schema section");
        let names: Vec<_> = nested
            .lines()
            .take_while(|l| l.starts_with("- "))
            .map(|l| l.split('`').nth(1).expect("a name"))
            .collect();
        for wanted in ["email", "enabled", "id", "login", "version"] {
            assert!(names.contains(&wanted), "{wanted} in {names:?}");
        }
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn sensitive_attributes_say_so() {
        let dir = examples();
        let index = render_provider(dir.path()).expect("render");
        let optional = group(&index, "Optional");
        let line = |name: &str| {
            optional
                .iter()
                .find(|l| l.starts_with(&format!("- `{name}` ")))
                .cloned()
                .unwrap_or_else(|| panic!("{name} is listed"))
        };
        assert!(line("client_secret").starts_with("- `client_secret` (String, Sensitive) "));
        assert!(line("access_token").starts_with("- `access_token` (String, Sensitive) "));
        assert!(line("client_id").starts_with("- `client_id` (String) "));
        assert!(line("max_retries").starts_with("- `max_retries` (Number) "));
        assert!(
            group(&index, "Required").is_empty(),
            "every provider argument is optional"
        );

        let secret = Attribute::new("s", Type::String, Mode::Computed, "Secret.").sensitive();
        assert_eq!(
            attribute_line(&secret),
            "- `s` (String, Sensitive) Secret.\n"
        );
    }

    #[test]
    fn examples_are_embedded_in_code_blocks() {
        let dir = examples();
        let pages = render_all(dir.path()).expect("render");
        let index = page(&pages, "docs/index.md");
        assert!(index
            .contains("## Example Usage\n\n```terraform\n# marker of provider/provider.tf\n```\n"));
        let resource = page(&pages, "docs/resources/user_status.md");
        assert!(resource.contains(
            "## Example Usage\n\n```terraform\n# marker of resources/acronis_user_status/resource.tf\n```\n"
        ));
        let import = resource
            .split("\n## Import\n")
            .nth(1)
            .expect("an import section");
        assert!(
            import.contains("```shell\n# marker of resources/acronis_user_status/import.sh\n```\n")
        );
        assert!(import.contains(
            "```terraform\n# marker of resources/acronis_user_status/import-by-identity.tf\n```\n"
        ));
        assert!(import.contains(
            "```terraform\n# marker of resources/acronis_user_status/import-by-string-id.tf\n```\n"
        ));
        assert!(
            import.contains("- `user_id` (String) "),
            "identity attributes:\n{import}"
        );
        let data = page(&pages, "docs/data-sources/user.md");
        assert!(data
            .contains("```terraform\n# marker of data-sources/acronis_user/data-source.tf\n```\n"));
        assert!(!data.contains("## Import"), "data sources are not imported");
    }

    #[test]
    fn list_resources_say_how_they_are_used_and_embed_their_query_example() {
        let dir = examples();
        let pages = render_all(dir.path()).expect("render");
        let list = page(&pages, "docs/list-resources/user_status.md");
        assert!(list.contains(
            "page_title: \"acronis_user_status List Resource - terraform-provider-acronis\"\n"
        ));
        assert!(list.contains("\n# acronis_user_status (List Resource)\n"));
        assert!(list.contains(
            "## Example Usage\n\n```terraform\n# marker of list-resources/acronis_user_status/list-resource.tfquery.hcl\n```\n"
        ));
        let usage = list.split("## Usage\n").nth(1).expect("a usage section");
        assert!(usage.contains("Terraform 1.14"), "{usage}");
        assert!(
            usage.contains("(../resources/user_status.md#import)"),
            "{usage}"
        );
        let at = |heading: &str| list.find(heading).expect(heading);
        assert!(at("## Example Usage") < at("## Usage\n") && at("## Usage\n") < at("## Schema"));
        assert_eq!(names(&group(&list, "Required")), ["tenant_id"]);
        assert_eq!(
            names(&group(&list, "Optional")),
            ["enabled", "include_child_tenants"]
        );
        assert!(
            !list.contains("## Import"),
            "a list resource is not imported"
        );
    }

    #[test]
    fn a_missing_example_is_an_error_naming_it() {
        let dir = examples();
        std::fs::remove_file(dir.path().join("resources/acronis_user_status/import.sh"))
            .expect("remove");
        let err = render_all(dir.path()).expect_err("a missing example fails");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(
            err.to_string().contains("acronis_user_status/import.sh"),
            "{err}"
        );
    }

    #[test]
    fn the_index_explains_authentication_and_every_environment_variable() {
        let dir = examples();
        let index = render_provider(dir.path()).expect("render");
        for (variable, argument) in config::ENVIRONMENT {
            let sensitive = if config::schema()
                .attribute(argument)
                .expect("argument exists")
                .sensitive
            {
                "yes"
            } else {
                "no"
            };
            assert!(
                index.contains(&format!("| `{variable}` | `{argument}` | {sensitive} |\n")),
                "{variable} row in:\n{index}"
            );
        }
        assert!(index.contains("| `ACRONIS_CLIENT_SECRET` | `client_secret` | yes |"));
        let auth = index
            .split("## Authentication\n")
            .nth(1)
            .expect("authentication section");
        for needle in [
            "POST /api/2/clients",
            "api_client",
            "Create API client",
            "base_url",
            "access_token",
        ] {
            assert!(auth.contains(needle), "{needle} in the walkthrough");
        }
        let sections: Vec<_> = index.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(
            sections,
            [
                "## Example Usage",
                "## Terraform Versions",
                "## Authentication",
                "## Environment Variables",
                "## Batched Reads",
                "## Schema"
            ]
        );
    }

    #[test]
    fn multi_line_descriptions_stay_inside_the_front_matter_block() {
        let out = front_matter("T", "first line\n\nsecond line");
        assert!(out.starts_with("---\npage_title: \"T\"\nsubcategory: \"\"\ndescription: |-\n  first line\n\n  second line\n---\n"));
    }
}
