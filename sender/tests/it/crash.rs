//! Durability: publish under load, `kill -9` the sender, restart it on the same file, and
//! the receiver sees every acknowledged event at least once.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::*;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn spawn(db: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cstar-webhooks"))
        .args([
            "serve",
            "--dev",
            "--api-key",
            KEY,
            "--log",
            "warn",
            "--attempt-timeout-ms",
            "1000",
            "--lease-ms",
            "2500",
        ])
        .arg("--db")
        .arg(db)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_healthy(http: &reqwest::Client, base: &str) {
    for _ in 0..500 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the sender did not start");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_event_survives_kill_dash_9() {
    let rx = Receiver::start().await;
    rx.set_default(Reply::Sleep(Duration::from_millis(15)));
    let dir = std::env::temp_dir().join(format!("cstar-crash-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("sender.db");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut child = spawn(&db, port);
    wait_healthy(&http, &base).await;
    let body = serde_json::json!({"url": rx.url("/crash"), "events": ["*"]}).to_string();
    let r = http.post(format!("{base}/v1/webhooks")).bearer_auth(KEY).body(body).send().await.unwrap();
    assert_eq!(r.status(), 201);

    // Four publishers; kill -9 once 60 events are acknowledged, while they keep publishing.
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (http, base, acked) = (http.clone(), base.clone(), Arc::clone(&acked));
        tasks.push(tokio::spawn(async move {
            let data = cstar_webhooks::sample_event(&cstar_webhooks::EventType::TicketCreated).unwrap().data;
            let body = serde_json::json!({"type": "ticket.created", "data": data}).to_string();
            for _ in 0..100 {
                let Ok(r) = http.post(format!("{base}/v1/events")).bearer_auth(KEY).body(body.clone()).send().await
                else {
                    return;
                };
                if r.status() != 202 {
                    return;
                }
                let Ok(text) = r.text().await else { return };
                let v: Value = serde_json::from_str(&text).unwrap();
                acked.lock().unwrap().push(v["id"].as_str().unwrap().to_owned());
            }
        }));
    }
    wait_for("60 acknowledged events", || acked.lock().unwrap().len() >= 60).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acked: HashSet<String> = acked.lock().unwrap().iter().cloned().collect();
    let before = rx.all().iter().filter_map(|r| r.header("x-event-id").map(str::to_owned)).collect::<HashSet<_>>();
    eprintln!("acknowledged {} events; {} delivered before the kill", acked.len(), before.len());

    let mut child = spawn(&db, port);
    wait_healthy(&http, &base).await;
    let start = Instant::now();
    loop {
        let seen: HashSet<String> = rx.all().iter().filter_map(|r| r.header("x-event-id").map(str::to_owned)).collect();
        let missing = acked.difference(&seen).count();
        if missing == 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{missing} acknowledged events never arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
