//! Where the plugin listens, as go-plugin does on each OS: a unix socket in a private directory
//! on unix, TCP on 127.0.0.1 on Windows; and the stream type tonic's server reads, a raw
//! connection or TLS over one.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
#[cfg(unix)]
use tokio::net::UnixStream;

use super::handshake::HandshakeEnv;
use super::tcp;
#[cfg(unix)]
use super::unix_socket::PluginSocket;

/// A bound listener and what the handshake line says of it.
pub struct PluginListener {
    kind: Kind,
    /// `unix` or `tcp`, the handshake line's network field.
    pub network: &'static str,
    /// The socket path or `127.0.0.1:port`.
    pub address: String,
}

enum Kind {
    // The socket's directory lives as long as the listener: both go when it is dropped.
    #[cfg(unix)]
    Unix {
        listener: tokio::net::UnixListener,
        _dir: tempfile::TempDir,
    },
    Tcp(tokio::net::TcpListener),
}

impl PluginListener {
    /// Binds as go-plugin does on this OS: a unix socket (under `PLUGIN_UNIX_SOCKET_DIR`,
    /// shared with `PLUGIN_UNIX_SOCKET_GROUP`), or on Windows TCP on 127.0.0.1 in the
    /// `PLUGIN_MIN_PORT`..`PLUGIN_MAX_PORT` range.
    pub async fn bind(env: &HandshakeEnv) -> io::Result<PluginListener> {
        #[cfg(unix)]
        {
            let socket =
                PluginSocket::bind(env.socket_dir.as_deref(), env.socket_group.as_deref())?;
            let (listener, path, dir) = socket.into_parts();
            Ok(PluginListener {
                kind: Kind::Unix {
                    listener,
                    _dir: dir,
                },
                network: "unix",
                address: path.to_string_lossy().into_owned(),
            })
        }
        #[cfg(not(unix))]
        {
            Self::bind_tcp(env).await
        }
    }

    /// TCP on 127.0.0.1, the port from the range Terraform allows.
    pub async fn bind_tcp(env: &HandshakeEnv) -> io::Result<PluginListener> {
        let range = tcp::PortRange::from_env(env.min_port.as_deref(), env.max_port.as_deref())?;
        let (listener, address) = tcp::bind_loopback(range).await?;
        Ok(PluginListener {
            kind: Kind::Tcp(listener),
            network: "tcp",
            address: address.to_string(),
        })
    }

    /// The next connection.
    pub async fn accept(&self) -> io::Result<RawStream> {
        match &self.kind {
            #[cfg(unix)]
            Kind::Unix { listener, .. } => Ok(RawStream::Unix(listener.accept().await?.0)),
            Kind::Tcp(listener) => {
                let (stream, _) = listener.accept().await?;
                // gRPC frames are small and answered at once: do not hold them back.
                stream.set_nodelay(true)?;
                Ok(RawStream::Tcp(stream))
            }
        }
    }
}

/// One accepted connection, before TLS.
pub enum RawStream {
    #[cfg(unix)]
    Unix(UnixStream),
    Tcp(TcpStream),
}

macro_rules! delegate_raw {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            #[cfg(unix)]
            RawStream::Unix($s) => {
                let $s = Pin::new($s);
                $e
            }
            RawStream::Tcp($s) => {
                let $s = Pin::new($s);
                $e
            }
        }
    };
}

impl AsyncRead for RawStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        delegate_raw!(self, s => s.poll_read(cx, buf))
    }
}

impl AsyncWrite for RawStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        delegate_raw!(self, s => s.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate_raw!(self, s => s.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate_raw!(self, s => s.poll_shutdown(cx))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        delegate_raw!(self, s => s.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            #[cfg(unix)]
            RawStream::Unix(s) => s.is_write_vectored(),
            RawStream::Tcp(s) => s.is_write_vectored(),
        }
    }
}

/// One accepted connection, before or after TLS.
pub enum PluginStream {
    Plain(RawStream),
    Tls(Box<tokio_rustls::server::TlsStream<RawStream>>),
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            PluginStream::Plain($s) => {
                let $s = Pin::new($s);
                $e
            }
            PluginStream::Tls($s) => {
                let $s = Pin::new($s.as_mut());
                $e
            }
        }
    };
}

impl AsyncRead for PluginStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        delegate!(self, s => s.poll_read(cx, buf))
    }
}

impl AsyncWrite for PluginStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, s => s.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, s => s.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, s => s.poll_shutdown(cx))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, s => s.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            PluginStream::Plain(s) => s.is_write_vectored(),
            PluginStream::Tls(s) => s.is_write_vectored(),
        }
    }
}

/// tonic's server asks each connection who is on the other end; a loopback peer has no address
/// worth recording (the TLS layer already checked who it is).
impl tonic::transport::server::Connected for PluginStream {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}
