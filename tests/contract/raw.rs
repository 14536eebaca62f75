//! A bare HTTP/1.1 request to the simulator, for requests no client would send (wrong ids,
//! flags, bodies): the answer is read back from the simulator's recorded traffic, so this only
//! sends and waits for the connection to close.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Sends one request and waits for the whole answer.
pub fn send(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)], body: &str) {
    let mut stream = TcpStream::connect(addr).expect("connect to the simulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("answer");
    assert!(
        answer.starts_with(b"HTTP/1.1 "),
        "no HTTP answer to {method} {target}"
    );
}
