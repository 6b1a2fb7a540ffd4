//! The SSRF guard at registration and at connect time.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

#[tokio::test]
async fn registration_refuses_non_public_targets() {
    let lookup = stub_lookup(&[
        ("internal.example", "10.1.2.3"),
        ("metadata.example", "169.254.169.254"),
        ("mixed.example", "93.184.216.34"),
        ("mixed.example", "192.168.0.10"),
        ("public.example", "93.184.216.34"),
        ("v6public.example", "2606:4700:4700::1111"),
    ]);
    let mut settings = dev_settings();
    settings.dev = false;
    let s = Sender::start_with(settings, Some(lookup)).await;
    let cases: &[(&str, &str)] = &[
        ("http://public.example/hook", "invalid_url"),
        ("ftp://public.example/hook", "invalid_url"),
        ("https://user:pw@public.example/hook", "invalid_url"),
        ("not a url", "invalid_url"),
        ("https://127.0.0.1/hook", "url_not_allowed"),
        ("https://localhost.invalid/hook", "url_unresolvable"),
        ("https://[::1]/hook", "url_not_allowed"),
        ("https://10.0.0.1/hook", "url_not_allowed"),
        ("https://172.16.5.4/hook", "url_not_allowed"),
        ("https://192.168.1.1/hook", "url_not_allowed"),
        ("https://100.64.0.1/hook", "url_not_allowed"),
        ("https://169.254.169.254/latest/meta-data", "url_not_allowed"),
        ("https://0.0.0.0/hook", "url_not_allowed"),
        ("https://255.255.255.255/hook", "url_not_allowed"),
        ("https://224.0.0.1/hook", "url_not_allowed"),
        ("https://[fd00::1]/hook", "url_not_allowed"),
        ("https://[fe80::1]/hook", "url_not_allowed"),
        ("https://[::ffff:127.0.0.1]/hook", "url_not_allowed"),
        ("https://[::ffff:a9fe:a9fe]/hook", "url_not_allowed"),
        ("https://[64:ff9b::a00:1]/hook", "url_not_allowed"),
        ("https://[ff02::1]/hook", "url_not_allowed"),
        ("https://internal.example/hook", "url_not_allowed"),
        ("https://metadata.example/hook", "url_not_allowed"),
        ("https://mixed.example/hook", "url_not_allowed"),
    ];
    for (url, code) in cases {
        let body = serde_json::json!({"url": url, "events": ["*"]}).to_string();
        let (status, v) = s.req("POST", "/v1/webhooks", Some(&body)).await;
        assert_eq!((status, v["error"]["code"].as_str()), (400, Some(*code)), "{url}: {v}");
    }
    let (_, list) = s.req("GET", "/v1/webhooks", None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0, "nothing was created");
    for url in ["https://public.example/hook", "https://v6public.example/hook", "https://93.184.216.34/x"] {
        let body = serde_json::json!({"url": url, "events": ["*"]}).to_string();
        let (status, v) = s.req("POST", "/v1/webhooks", Some(&body)).await;
        assert_eq!(status, 201, "{url}: {v}");
    }
    s.stop().await;
}

#[tokio::test]
async fn allow_cidr_admits_a_chosen_range_and_dev_admits_loopback() {
    let lookup = stub_lookup(&[("lab.example", "10.20.30.40")]);
    let mut settings = dev_settings();
    settings.dev = false;
    settings.allow_cidrs = vec![cidr("10.20.0.0/16")];
    let s = Sender::start_with(settings, Some(lookup)).await;
    let (status, v) = s.req("POST", "/v1/webhooks", Some(r#"{"url":"https://lab.example/h","events":["*"]}"#)).await;
    assert_eq!(status, 201, "{v}");
    let (status, _) = s.req("POST", "/v1/webhooks", Some(r#"{"url":"https://10.21.0.1/h","events":["*"]}"#)).await;
    assert_eq!(status, 400);
    s.stop().await;
    let s = Sender::dev().await;
    let (status, _) = s.req("POST", "/v1/webhooks", Some(r#"{"url":"http://127.0.0.1:9/h","events":["*"]}"#)).await;
    assert_eq!(status, 201);
    let (status, v) = s.req("POST", "/v1/webhooks", Some(r#"{"url":"http://10.0.0.1/h","events":["*"]}"#)).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("url_not_allowed")), "dev mode allows loopback only");
    s.stop().await;
}

#[tokio::test]
async fn connect_time_check_refuses_a_name_that_rebinds_to_a_private_address() {
    let rx = Receiver::start().await;
    // First answer loopback (allowed in dev mode), then a private address: DNS rebinding.
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    let lookup: Lookup = Arc::new(move |_host: String| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            let ip: IpAddr = if n == 0 { "127.0.0.1".parse().unwrap() } else { "10.0.0.7".parse().unwrap() };
            Ok(vec![ip])
        })
    });
    let s = Sender::start_with(dev_settings(), Some(lookup)).await;
    let url = format!("http://rebind.example:{}/hook", rx.addr.port());
    let body = serde_json::json!({"url": url, "events": ["*"]}).to_string();
    let (status, v) = s.req("POST", "/v1/webhooks", Some(&body)).await;
    assert_eq!(status, 201, "{v}");
    s.publish("ticket.created").await;
    wait_until("attempt recorded", || async { s.deliveries("").await.first().is_some_and(|d| d["attempts"] == 1) })
        .await;
    let d = &s.deliveries("").await[0];
    let outcome = d["last_outcome"].as_str().unwrap();
    assert!(outcome.starts_with("network_error:url_not_allowed"), "{outcome}");
    assert_eq!(rx.count(), 0, "nothing reached any address");
    assert!(calls.load(Ordering::SeqCst) >= 2, "resolved again at connect time");
    s.stop().await;
}
