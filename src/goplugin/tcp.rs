//! The plugin's TCP listener, as go-plugin serves on Windows: loopback only, on the first free
//! port between `PLUGIN_MIN_PORT` and `PLUGIN_MAX_PORT`.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;

/// The ports Terraform allows, from `PLUGIN_MIN_PORT` and `PLUGIN_MAX_PORT`. Without either, the
/// system picks a free port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub min: u16,
    pub max: u16,
}

impl PortRange {
    /// Reads the two variables as go-plugin does; a value that is not a port, or a minimum above
    /// the maximum, is an error naming the variable.
    pub fn from_env(min: Option<&str>, max: Option<&str>) -> io::Result<PortRange> {
        let parse = |name: &str, value: Option<&str>| -> io::Result<u16> {
            match value {
                None => Ok(0),
                Some(v) => v.trim().parse::<u16>().map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("{name} is not a port number: {v:?}"),
                    )
                }),
            }
        };
        let range = PortRange {
            min: parse("PLUGIN_MIN_PORT", min)?,
            max: parse("PLUGIN_MAX_PORT", max)?,
        };
        if range.min > range.max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "PLUGIN_MIN_PORT {} is above PLUGIN_MAX_PORT {}",
                    range.min, range.max
                ),
            ));
        }
        Ok(range)
    }
}

/// Binds `127.0.0.1` on the first port of `range` that is free.
pub async fn bind_loopback(range: PortRange) -> io::Result<(TcpListener, SocketAddr)> {
    let mut last_error = None;
    for port in range.min..=range.max {
        match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
            Ok(listener) => {
                let address = listener.local_addr()?;
                return Ok((listener, address));
            }
            Err(e) => last_error = Some(e),
        }
    }
    let why = last_error.map(|e| e.to_string()).unwrap_or_default();
    Err(io::Error::new(
        io::ErrorKind::AddrInUse,
        format!(
            "no free port on 127.0.0.1 between PLUGIN_MIN_PORT {} and PLUGIN_MAX_PORT {}: {why}",
            range.min, range.max
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_comes_from_the_two_variables() {
        assert_eq!(
            PortRange::from_env(Some("10000"), Some("25000")).expect("range"),
            PortRange {
                min: 10000,
                max: 25000
            }
        );
        assert_eq!(
            PortRange::from_env(None, None).expect("range"),
            PortRange { min: 0, max: 0 }
        );
        let bad = PortRange::from_env(Some("ten"), Some("25000")).expect_err("not a port");
        assert!(bad.to_string().contains("PLUGIN_MIN_PORT"), "{bad}");
        let upside_down = PortRange::from_env(Some("2"), Some("1")).expect_err("min > max");
        assert!(upside_down.to_string().contains("above"), "{upside_down}");
    }

    #[tokio::test]
    async fn a_taken_port_moves_on_to_the_next_one() {
        let (first, taken) = bind_loopback(PortRange { min: 0, max: 0 })
            .await
            .expect("any port");
        let port = taken.port();
        let Some(max) = port.checked_add(1) else {
            return;
        };
        match bind_loopback(PortRange { min: port, max }).await {
            Ok((_, next)) => {
                assert_eq!(next.ip(), Ipv4Addr::LOCALHOST);
                assert_eq!(next.port(), max);
            }
            // The port after ours may belong to someone else; then the error names the range.
            Err(e) => assert!(e.to_string().contains("no free port"), "{e}"),
        }
        let refused = bind_loopback(PortRange {
            min: port,
            max: port,
        })
        .await
        .expect_err("the only port is taken");
        assert!(refused.to_string().contains(&port.to_string()), "{refused}");
        drop(first);
    }
}
