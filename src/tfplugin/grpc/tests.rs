use super::*;

fn framed(flag: u8, declared_len: u32, payload: &[u8]) -> Bytes {
    let mut body = vec![flag];
    body.extend_from_slice(&declared_len.to_be_bytes());
    body.extend_from_slice(payload);
    Bytes::from(body)
}

#[test]
fn a_body_of_one_uncompressed_message_gives_its_payload() {
    let payload = unframe(framed(0, 3, b"abc")).expect("one message");
    assert_eq!(&payload[..], b"abc");
    let empty = unframe(framed(0, 0, b"")).expect("an empty message is a message");
    assert!(empty.is_empty());
}

#[test]
fn malformed_bodies_are_refused_with_a_status_that_says_why() {
    let short = unframe(Bytes::from_static(&[0, 0, 0])).expect_err("no header");
    assert_eq!(short.code(), tonic::Code::Internal);
    assert!(short.message().contains("no complete message"), "{short:?}");

    let compressed = unframe(framed(1, 3, b"abc")).expect_err("compressed");
    assert_eq!(compressed.code(), tonic::Code::Unimplemented);

    let truncated = unframe(framed(0, 10, b"abc")).expect_err("truncated");
    assert_eq!(truncated.code(), tonic::Code::Internal);
    assert!(truncated.message().contains("10 bytes"), "{truncated:?}");

    let two = unframe(Bytes::from(
        [&framed(0, 1, b"a")[..], &framed(0, 1, b"b")[..]].concat(),
    ))
    .expect_err("two messages");
    assert_eq!(two.code(), tonic::Code::Internal);
}

#[tokio::test]
async fn an_answer_is_one_framed_message_then_the_ok_trailer() {
    let answer = crate::tfplugin::proto::stop_provider::Response {
        error: "still stopping".to_owned(),
    };
    let response = answer_with(&answer);
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(
        response.headers().get(CONTENT_TYPE),
        Some(&HeaderValue::from_static("application/grpc"))
    );
    let collected = response.into_body().collect().await.expect("body");
    let trailers = collected.trailers().cloned().expect("trailers");
    assert_eq!(
        trailers.get("grpc-status"),
        Some(&HeaderValue::from_static("0"))
    );
    let body = collected.to_bytes();
    let payload = unframe(body).expect("framed like a request");
    let decoded =
        <crate::tfplugin::proto::stop_provider::Response as prost::Message>::decode(payload)
            .expect("decodes");
    assert_eq!(decoded, answer);
}

#[tokio::test]
async fn the_body_ends_after_its_trailers() {
    let mut body = UnaryBody {
        data: Some(Bytes::from_static(b"x")),
        trailers: Some(HeaderMap::new()),
    };
    assert_eq!(body.size_hint().exact(), Some(1));
    assert!(!body.is_end_stream());
    assert!(body.frame().await.expect("data").expect("ok").is_data());
    assert!(body
        .frame()
        .await
        .expect("trailers")
        .expect("ok")
        .is_trailers());
    assert!(body.is_end_stream());
    assert!(body.frame().await.is_none());
}
