//! Keeps the committed `docs/` identical to what `render.rs` renders from the schemas and
//! `examples/`: a mismatch fails with the command that fixes it, and `UPDATE_DOCS=1` (what
//! `make docs` sets) writes the pages instead. Also checks that every resource, data source and
//! list resource the provider serves has a page. The renderer lives beside it (`render.rs`): it is a
//! development tool, not part of the provider.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use terraform_provider_acronis::framework::Server;
use terraform_provider_acronis::provider::AcronisProvider;
use terraform_provider_acronis::tfproto::proto::get_provider_schema;
use terraform_provider_acronis::tfproto::proto::provider_server::Provider as _;

mod render;
use render as docs;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn updating() -> bool {
    std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1")
}

#[test]
fn committed_docs_match_the_schema_and_examples() {
    let pages = docs::render_all(&root().join("examples")).expect("render the docs from examples/");
    let mut stale = Vec::new();
    for (relative, text) in &pages {
        let path = root().join(relative);
        if updating() {
            std::fs::create_dir_all(path.parent().expect("pages live in a folder"))
                .expect("create docs folder");
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(committed) if committed == *text => {}
            Ok(committed) => stale.push(format!(
                "{} differs{}",
                relative.display(),
                first_difference(&committed, text)
            )),
            Err(e) => stale.push(format!("{} cannot be read ({e})", relative.display())),
        }
    }
    assert!(
        stale.is_empty(),
        "docs/ is out of date with the provider's schema or examples/:\n  {}\nRun `make docs` to regenerate it, and commit the result.",
        stale.join("\n  ")
    );
}

/// Pages of resources or data sources that no longer exist would still be published.
#[test]
fn no_page_documents_a_type_the_provider_lacks() {
    let rendered: BTreeSet<PathBuf> = docs::render_all(&root().join("examples"))
        .expect("render the docs from examples/")
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let mut orphans = Vec::new();
    for folder in ["docs/resources", "docs/data-sources", "docs/list-resources"] {
        let Ok(entries) = std::fs::read_dir(root().join(folder)) else {
            continue;
        };
        for entry in entries {
            let name = entry.expect("read docs folder").file_name();
            let relative = Path::new(folder).join(&name);
            if relative.extension().is_some_and(|e| e == "md") && !rendered.contains(&relative) {
                orphans.push(relative.display().to_string());
            }
        }
    }
    assert!(
        orphans.is_empty(),
        "these pages document nothing the provider has; delete them: {orphans:?}"
    );
}

#[tokio::test]
async fn every_type_the_provider_serves_has_a_page() {
    let answer = Server::new(AcronisProvider::with_env(|_| None))
        .get_provider_schema(tonic::Request::new(get_provider_schema::Request {}))
        .await
        .expect("GetProviderSchema")
        .into_inner();
    let documented = |kind: docs::Kind| -> BTreeSet<String> {
        docs::types()
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| t.type_name.to_owned())
            .collect()
    };
    let served = |names: Vec<&String>| names.into_iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(
        documented(docs::Kind::Resource),
        served(answer.resource_schemas.keys().collect()),
        "resources with pages vs resources served"
    );
    assert_eq!(
        documented(docs::Kind::DataSource),
        served(answer.data_source_schemas.keys().collect()),
        "data sources with pages vs data sources served"
    );
    assert_eq!(
        documented(docs::Kind::ListResource),
        served(answer.list_resource_schemas.keys().collect()),
        "list resources with pages vs list resources served"
    );
    // The pages describe the very schemas Terraform is given.
    for t in docs::types() {
        let schemas = match t.kind {
            docs::Kind::Resource => &answer.resource_schemas,
            docs::Kind::DataSource => &answer.data_source_schemas,
            docs::Kind::ListResource => &answer.list_resource_schemas,
        };
        assert_eq!(
            schemas.get(t.type_name),
            Some(&t.schema.to_proto()),
            "{}",
            t.type_name
        );
    }
}

/// Where two texts first differ, as a line number and both lines, for the failure message.
fn first_difference(committed: &str, rendered: &str) -> String {
    let mut committed_lines = committed.lines();
    let mut rendered_lines = rendered.lines();
    for n in 1.. {
        match (committed_lines.next(), rendered_lines.next()) {
            (None, None) => break,
            (a, b) if a == b => continue,
            (a, b) => {
                return format!(
                    " from line {n}:\n    committed: {:?}\n    rendered:  {:?}",
                    a.unwrap_or("<end of file>"),
                    b.unwrap_or("<end of file>")
                )
            }
        }
    }
    " (line endings only)".to_owned()
}

/// The README shows the same recorded `terraform query` session as the list resource's page.
#[test]
fn the_readme_carries_each_recorded_session_verbatim() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("read README.md");
    for t in docs::types()
        .iter()
        .filter(|t| t.kind == docs::Kind::ListResource)
    {
        let path = root()
            .join("examples/list-resources")
            .join(t.type_name)
            .join(docs::SESSION_FILE);
        let Ok(session) = std::fs::read_to_string(&path) else {
            continue;
        };
        assert!(
            readme.contains(&format!("```console\n{session}```\n")),
            "README.md must show {} verbatim",
            path.display()
        );
    }
}
