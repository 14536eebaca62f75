//! The plugin's socket on unix: `plugin.sock` inside a fresh private directory (removed when
//! dropped), group-shared when `PLUGIN_UNIX_SOCKET_GROUP` asks for it.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tokio::net::UnixListener;

/// A listening unix socket that owns its directory.
pub struct PluginSocket {
    pub listener: UnixListener,
    pub path: PathBuf,
    // Dropping the directory removes the socket with it.
    dir: tempfile::TempDir,
}

impl PluginSocket {
    /// Binds `plugin.sock` in a new mode-0700 directory under `parent` (or the system temp
    /// dir). With `group`, the directory and socket become usable by that group, as go-plugin
    /// does for `PLUGIN_UNIX_SOCKET_GROUP`.
    pub fn bind(parent: Option<&Path>, group: Option<&str>) -> io::Result<PluginSocket> {
        let mut builder = tempfile::Builder::new();
        // Created private: there is no moment when another user could enter it.
        builder
            .prefix("plugin")
            .permissions(std::fs::Permissions::from_mode(0o700));
        let dir = match parent {
            Some(parent) => builder.tempdir_in(parent)?,
            None => builder.tempdir()?,
        };
        let path = dir.path().join("plugin.sock");
        let listener = UnixListener::bind(&path)?;
        if let Some(group) = group {
            let gid = resolve_group(group)?;
            for (p, mode) in [(dir.path(), 0o770), (path.as_path(), 0o660)] {
                std::os::unix::fs::chown(p, None, Some(gid))?;
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))?;
            }
        }
        Ok(PluginSocket {
            listener,
            path,
            dir,
        })
    }

    /// Splits the socket into the listener, its path and the directory guard (which removes
    /// both when dropped).
    pub fn into_parts(self) -> (UnixListener, PathBuf, tempfile::TempDir) {
        (self.listener, self.path, self.dir)
    }
}

/// A group id, given as a number or as a name listed in /etc/group.
fn resolve_group(group: &str) -> io::Result<u32> {
    if let Ok(gid) = group.parse::<u32>() {
        return Ok(gid);
    }
    let groups = std::fs::read_to_string("/etc/group")?;
    groups
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let gid = fields.nth(1)?.parse::<u32>().ok()?;
            (name == group).then_some(gid)
        })
        .next()
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("PLUGIN_UNIX_SOCKET_GROUP names an unknown group {group:?}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_socket_lives_in_a_private_directory_removed_on_drop() {
        let parent = tempfile::tempdir().expect("tempdir");
        let socket = PluginSocket::bind(Some(parent.path()), None).expect("bind");
        let dir = socket.path.parent().expect("dir").to_path_buf();
        assert!(dir.starts_with(parent.path()));
        let mode = std::fs::metadata(&dir).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        assert!(socket.path.exists());
        drop(socket);
        assert!(!dir.exists());
    }

    #[test]
    fn groups_resolve_by_number_or_name() {
        assert_eq!(resolve_group("42").expect("numeric"), 42);
        assert_eq!(resolve_group("root").expect("root is in /etc/group"), 0);
        assert!(resolve_group("no-such-group-here").is_err());
    }
}
