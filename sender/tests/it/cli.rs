//! The binary's client commands and developer tools.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use super::*;

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cstar-webhooks"))
        .args(args)
        .env_remove("CSTAR_API_KEY")
        .env_remove("CSTAR_WEBHOOK_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

#[test]
fn sign_and_verify_round_trip_with_exit_codes() {
    let body = br#"{"id":"evt_1","type":"ticket.created","created_at":"2026-03-30T10:30:00Z","team_id":"t","data":{}}"#;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let signed = run(&["sign", "--secret", secret, "--timestamp", "1774866600"], body);
    assert!(signed.status.success());
    let header = stdout(&signed);
    assert_eq!(header, cstar_webhooks::sign(&[secret.into()], 1_774_866_600, body).unwrap());
    let ok = run(&["verify", "--secret", secret, "--signature", &header, "--now", "1774866610"], body);
    assert!(ok.status.success());
    let v: Value = serde_json::from_str(&stdout(&ok)).unwrap();
    assert_eq!(
        (v["valid"].as_bool(), v["scheme"].as_str(), v["secret_index"].as_u64()),
        (Some(true), Some("v1"), Some(0))
    );
    let old = run(&["verify", "--secret", secret, "--signature", &header, "--now", "1774867000"], body);
    assert_eq!((old.status.code(), stdout(&old).as_str()), (Some(1), "timestamp_too_old"));
    let wrong = run(&["verify", "--secret", "whsec_other", "--signature", &header, "--now", "1774866610"], body);
    assert_eq!((wrong.status.code(), stdout(&wrong).as_str()), (Some(1), "no_matching_signature"));
    let legacy = run(&["sign", "--secret", secret, "--legacy"], body);
    let no_legacy = run(&["verify", "--secret", secret, "--no-legacy", "--signature", &stdout(&legacy)], body);
    assert_eq!(stdout(&no_legacy), "legacy_not_allowed");
    // Input that could never verify is refused, with the core's reason and nothing on stdout.
    for args in [&["sign", "--secret", ""][..], &["sign", "--secret", secret, "--timestamp=-5"][..]] {
        let refused = run(args, body);
        assert!(!refused.status.success(), "{args:?}");
        assert_eq!(stdout(&refused), "", "{args:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains("secret") || stderr.contains("timestamp"), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_commands_talk_to_the_api() {
    let rx = Receiver::start().await;
    let s = Sender::dev().await;
    let base = s.base.clone();
    let url = rx.url("/cli");
    let out = tokio::task::spawn_blocking(move || {
        let api = ["--api", base.as_str(), "--api-key", KEY];
        let mut args = vec!["webhooks", "create"];
        args.extend(api);
        args.extend(["--url", url.as_str(), "--event", "ticket.*,customer.created", "--name", "cli"]);
        let created = run(&args, b"");
        assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
        let hook: Value = serde_json::from_str(&stdout(&created)).unwrap();
        let id = hook["id"].as_str().unwrap().to_owned();
        let mut args = vec!["webhooks", "list"];
        args.extend(api);
        assert!(stdout(&run(&args, b"")).contains(&id));
        let mut args = vec!["publish"];
        args.extend(api);
        args.extend(["--type", "ticket.resolved"]);
        let published = run(&args, b"");
        assert!(published.status.success(), "{}", String::from_utf8_lossy(&published.stderr));
        let mut args = vec!["webhooks", "delete"];
        args.extend(api);
        args.push(&id);
        assert!(run(&args, b"").status.success());
        let mut args = vec!["webhooks", "get"];
        args.extend(api);
        args.push(&id);
        let gone = run(&args, b"");
        assert!(!gone.status.success());
        assert!(String::from_utf8_lossy(&gone.stderr).contains("not_found"));
        let bad = run(&["webhooks", "list", "--api", "http://127.0.0.1:9", "--api-key", "wrong"], b"");
        assert!(!bad.status.success());
        hook
    })
    .await
    .unwrap();
    assert_eq!(out["name"], "cli");
    wait_for("published event delivered", || rx.count() == 1).await;
    assert_eq!(rx.all()[0].header("x-event-type"), Some("ticket.resolved"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_reads_a_toml_config_and_refuses_unknown_keys() {
    let dir = std::env::temp_dir().join(format!("cstar-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = dir.join("sender.toml");
    std::fs::write(
        &config,
        format!(
            "db = {:?}\nlisten = \"127.0.0.1:{port}\"\napi_key = \"from-config\"\ndev = true\nallow_cidr = [\"10.0.0.0/8\"]\n",
            dir.join("c.db").display().to_string()
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cstar-webhooks"))
        .args(["serve", "--log", "warn", "--config"])
        .arg(&config)
        .env_remove("CSTAR_API_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut status = 0;
    for _ in 0..250 {
        if let Ok(r) = http.get(format!("{base}/v1/webhooks")).bearer_auth("from-config").send().await {
            status = r.status().as_u16();
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200, "the key and address came from the config file");
    std::fs::write(&config, "colour = \"red\"\n").unwrap();
    let out = run(&["serve", "--config", config.to_str().unwrap()], b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("colour"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_verifies_deliveries() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cstar-webhooks"))
        .args(["listen", "--secret", secret, "--listen", &format!("127.0.0.1:{port}")])
        .env_remove("CSTAR_WEBHOOK_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let body = cstar_webhooks::sample_event(&cstar_webhooks::EventType::TicketCreated).unwrap().to_json();
    let now = cstar_webhooks_sender::clock::Clock::now_s(&cstar_webhooks_sender::clock::SystemClock);
    let good = cstar_webhooks::sign(&[secret.into()], now, body.as_bytes()).unwrap();
    let bad = cstar_webhooks::sign(&["whsec_wrong".into()], now, body.as_bytes()).unwrap();
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/hook");
    let mut statuses = Vec::new();
    for sig in [good, bad] {
        let mut status = 0;
        for _ in 0..250 {
            match http.post(&url).header("x-signature", &sig).body(body.clone()).send().await {
                Ok(r) => {
                    status = r.status().as_u16();
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        statuses.push(status);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(statuses, [200, 400]);
}
