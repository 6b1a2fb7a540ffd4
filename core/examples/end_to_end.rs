//! The quickest end-to-end demo of the core: a sender signs the guide's example event and
//! POSTs it over loopback HTTP to a receiver, which verifies the raw body; then the demo shows
//! what happens to a replayed, a tampered and a re-serialized request, and what `diagnose`
//! says about each.
//!
//! Run: `cargo run -p cstar-webhooks --example end_to_end`
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, clippy::std_instead_of_core, missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{SystemTime, UNIX_EPOCH};

use cstar_webhooks::headers::DeliveryInfo;
use cstar_webhooks::{Event, Secret, Verifier, WebhookHeaders, delivery_headers, diagnose};

const GUIDE_EXAMPLE: &str = r#"{
  "id": "evt_ticket_created_a1B2c3D4",
  "type": "ticket.created",
  "created_at": "2026-03-30T10:30:00Z",
  "team_id": "ffce2c0d-a0c8-4285-a55f-c674f191feb0",
  "data": {
    "ticket": {
      "id": "tkt_a1B2c3D4e5F6",
      "prefixed_id": "CST-1024",
      "title": "Cannot reset password",
      "status": "new",
      "priority": "normal",
      "channel": "widget",
      "customer_id": "cus_01H8X9YZ7E0J3K4M5N6Q",
      "created_at": "2026-04-27T18:42:11.000Z"
    },
    "customer": {
      "id": "cus_01H8X9YZ7E0J3K4M5N6Q",
      "name": "Casey Patel",
      "email": "casey@example.com"
    }
  }
}"#;

fn now() -> i64 {
    i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()).unwrap()
}

/// A minimal HTTP/1.1 receiver: reads one request, verifies it, answers 204 or 400 + code.
fn receive(stream: &TcpStream, verifier: &Verifier) -> String {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut pairs = Vec::new();
    let mut line = String::new();
    reader.read_line(&mut line).unwrap(); // request line
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let Some((name, value)) = line.trim_end().split_once(':') else { break };
        pairs.push((name.to_owned(), value.trim().to_owned()));
    }
    let length = pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length")).unwrap().1.parse().unwrap();
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();

    let headers = WebhookHeaders::from_pairs(pairs);
    let (status, outcome) = match verifier.construct_event(headers.signature.as_deref(), &body, now()) {
        Ok(event) => {
            ("204 No Content", format!("accepted {} {} (attempt {:?})", event.event_type, event.id, headers.attempt()))
        }
        Err(e) => ("400 Bad Request", format!("rejected: {e}")),
    };
    write!(&*stream, "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").unwrap();
    outcome
}

/// Sends one POST and returns the receiver's verdict.
fn post(listener: &TcpListener, verifier: &Verifier, headers: &[(&str, String)], body: &[u8]) -> String {
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let mut request = format!("POST /webhooks/cstar HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    client.write_all(request.as_bytes()).unwrap();
    client.write_all(body).unwrap();
    let (stream, _) = listener.accept().unwrap();
    let verdict = receive(&stream, verifier);
    let mut status = String::new();
    BufReader::new(client).read_line(&mut status).unwrap();
    format!("{} -> {verdict}", status.trim_end())
}

fn main() {
    // In production the secret comes from Secret::generate(&mut os_rng) and is shown once.
    let secret = Secret::new("whsec_2OXE2QJVNO8thS9FTKBHWmIPbLHo99B8");
    let verifier = Verifier::new([secret.clone()]);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("receiver listening on http://{}/webhooks/cstar  (secret {secret:?})\n", listener.local_addr().unwrap());

    let body = GUIDE_EXAMPLE.as_bytes();
    let event = Event::from_slice(body).unwrap();
    let info = DeliveryInfo {
        webhook_id: "whk_demo0000000000000000",
        event_id: &event.id,
        event_type: event.event_type.as_str(),
        attempt: 1,
        send_time: now(),
    };
    let headers = delivery_headers(&info, core::slice::from_ref(&secret), body).unwrap();
    println!("sender headers:");
    for (name, value) in &headers {
        println!("  {name}: {value}");
    }

    println!("\n1. a fresh delivery:        {}", post(&listener, &verifier, &headers, body));

    let old = DeliveryInfo { send_time: now() - 600, ..info };
    let replayed = delivery_headers(&old, core::slice::from_ref(&secret), body).unwrap();
    println!("2. replayed 10 minutes late: {}", post(&listener, &verifier, &replayed, body));

    let tampered = GUIDE_EXAMPLE.replace("\"normal\"", "\"urgent\"");
    println!("3. tampered body:           {}", post(&listener, &verifier, &headers, tampered.as_bytes()));

    let value: serde_json::Value = serde_json::from_slice(body).unwrap();
    let reserialized = serde_json::to_vec(&value).unwrap();
    println!("4. re-serialized JSON:      {}", post(&listener, &verifier, &headers, &reserialized));

    let signature = headers.iter().find(|(n, _)| *n == "X-Signature").map(|(_, v)| v.as_str());
    for (label, candidate, at) in [
        ("replayed", body, now() + 600),
        ("tampered", tampered.as_bytes(), now()),
        ("re-serialized", &reserialized, now()),
    ] {
        let d = diagnose(core::slice::from_ref(&secret), signature, candidate, at);
        let causes: Vec<String> = d.causes.iter().map(|c| format!("{} ({})", c.code(), c.explain())).collect();
        println!("   diagnose({label}): {}", causes.join("; "));
    }
}
