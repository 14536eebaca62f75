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
use tokio_util::either::Either;

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
            Kind::Unix { listener, .. } => Ok(Either::Left(listener.accept().await?.0)),
            Kind::Tcp(listener) => {
                let (stream, _) = listener.accept().await?;
                // gRPC frames are small and answered at once: do not hold them back.
                stream.set_nodelay(true)?;
                Ok(raw_tcp(stream))
            }
        }
    }
}

/// One accepted connection, before TLS: a unix socket's or a TCP one.
#[cfg(unix)]
pub type RawStream = Either<UnixStream, TcpStream>;
/// One accepted connection, before TLS.
#[cfg(not(unix))]
pub type RawStream = TcpStream;

fn raw_tcp(stream: TcpStream) -> RawStream {
    #[cfg(unix)]
    return Either::Right(stream);
    #[cfg(not(unix))]
    return stream;
}

/// One accepted connection, raw or TLS over one, as tonic's server reads it. A type of our own
/// (reading and writing go to tokio-util's `Either`) because tonic asks it for `Connected`.
pub struct PluginStream(Either<RawStream, Box<tokio_rustls::server::TlsStream<RawStream>>>);

impl PluginStream {
    pub fn plain(stream: RawStream) -> PluginStream {
        PluginStream(Either::Left(stream))
    }

    pub fn tls(stream: tokio_rustls::server::TlsStream<RawStream>) -> PluginStream {
        PluginStream(Either::Right(Box::new(stream)))
    }
}

impl AsyncRead for PluginStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl AsyncWrite for PluginStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

/// tonic's server asks each connection who is on the other end; a loopback peer has no address
/// worth recording (the TLS layer already checked who it is).
impl tonic::transport::server::Connected for PluginStream {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}
