//! `cstar-webhooks`: the cStar webhooks reference sender and developer tools.
#![forbid(unsafe_code)]
// A command-line program: printing is its job.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    clippy::doc_markdown
)]

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use cstar_webhooks::{Secret, Verifier, WebhookHeaders};
use cstar_webhooks_sender::clock::{Clock, SystemClock};
use cstar_webhooks_sender::server::{Settings, start};
use cstar_webhooks_sender::ssrf::Cidr;
use serde::Deserialize;
use serde_json::{Value, json};

/// The cStar webhooks reference sender: a durable webhook dispatcher on embedded SQLite, and
/// developer tools to sign, verify and receive webhooks locally.
#[derive(Parser)]
#[command(name = "cstar-webhooks", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the sender: management API, settings page and dispatcher, on one SQLite file.
    Serve(ServeArgs),
    /// Publish an event through a running sender's API.
    Publish(PublishArgs),
    /// Manage webhooks through a running sender's API.
    #[command(subcommand)]
    Webhooks(WebhooksCmd),
    /// Sign a body (stdin or a file) and print the `X-Signature` header value.
    Sign(SignArgs),
    /// Verify a body against an `X-Signature` value: exit 0 and the result as JSON, or exit 1
    /// and the error code.
    Verify(VerifyArgs),
    /// A local receiver that verifies and pretty-prints every delivery (like `stripe listen`).
    Listen(ListenArgs),
}

#[derive(Args, Default)]
struct ServeArgs {
    /// The SQLite database file, created if missing [default: cstar-webhooks.db].
    #[arg(long, env = "CSTAR_DB")]
    db: Option<PathBuf>,
    /// Address of the API and the settings page [default: 127.0.0.1:8080].
    #[arg(long, env = "CSTAR_LISTEN")]
    listen: Option<SocketAddr>,
    /// A TOML file with any of these settings (command-line flags and env vars win).
    #[arg(long, env = "CSTAR_CONFIG")]
    config: Option<PathBuf>,
    /// The management API key (else the stored one; else one is generated and printed once).
    #[arg(long, env = "CSTAR_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Development mode: allow `http://` and loopback webhook URLs.
    #[arg(long, env = "CSTAR_DEV")]
    dev: bool,
    /// Allow webhook targets in this range although it is not public (repeatable).
    #[arg(long = "allow-cidr", env = "CSTAR_ALLOW_CIDR", value_delimiter = ',')]
    allow_cidr: Vec<String>,
    /// How long an old secret keeps signing after a rotation, seconds [default: 86400].
    #[arg(long, env = "CSTAR_ROTATION_OVERLAP_SECS")]
    rotation_overlap_secs: Option<u64>,
    /// Retry schedule: delays before attempts 1..n in seconds, comma-separated, first 0
    /// [default: 0,30,120,600,3600,21600,86400].
    #[arg(long, env = "CSTAR_RETRY_DELAYS", value_delimiter = ',')]
    retry_delays: Option<Vec<u64>>,
    /// Attempts in flight at once [default: 64].
    #[arg(long, env = "CSTAR_MAX_IN_FLIGHT")]
    max_in_flight: Option<u32>,
    /// Attempts in flight at once per webhook [default: 8].
    #[arg(long, env = "CSTAR_PER_WEBHOOK")]
    per_webhook: Option<u32>,
    /// Team id put on published events that carry none [default: generated once, stored].
    #[arg(long, env = "CSTAR_TEAM_ID")]
    team_id: Option<String>,
    /// Auto-disable after a failure run this old, seconds [default: 432000 = 5 days].
    #[arg(long, env = "CSTAR_DISABLE_AFTER_SECS")]
    disable_after_secs: Option<u64>,
    /// …holding at least this many failed attempts [default: 10].
    #[arg(long, env = "CSTAR_DISABLE_AFTER_FAILURES")]
    disable_after_failures: Option<u32>,
    /// Attempt deadline in milliseconds (testing only; the protocol says 10 s).
    #[arg(long, hide = true)]
    attempt_timeout_ms: Option<u64>,
    /// Lease length in milliseconds (testing only; must exceed the attempt deadline).
    #[arg(long, hide = true)]
    lease_ms: Option<u64>,
    /// Log level: error, warn, info, debug, trace [default: info].
    #[arg(long, env = "CSTAR_LOG", default_value = "info")]
    log: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    db: Option<PathBuf>,
    listen: Option<SocketAddr>,
    api_key: Option<String>,
    dev: Option<bool>,
    allow_cidr: Option<Vec<String>>,
    rotation_overlap_secs: Option<u64>,
    retry_delays: Option<Vec<u64>>,
    max_in_flight: Option<u32>,
    per_webhook: Option<u32>,
    team_id: Option<String>,
    disable_after_secs: Option<u64>,
    disable_after_failures: Option<u32>,
}

#[derive(Args)]
struct ApiArgs {
    /// The sender's base URL.
    #[arg(long, env = "CSTAR_API_URL", default_value = "http://127.0.0.1:8080")]
    api: String,
    /// The management API key.
    #[arg(long, env = "CSTAR_API_KEY", hide_env_values = true)]
    api_key: String,
}

#[derive(Args)]
struct PublishArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// The event type, e.g. `ticket.created`.
    #[arg(long = "type")]
    event_type: String,
    /// The `data` object as JSON (default: the type's sample data).
    #[arg(long)]
    data: Option<String>,
    /// The team id.
    #[arg(long)]
    team_id: Option<String>,
}

#[derive(Subcommand)]
enum WebhooksCmd {
    /// Create a webhook; prints it with its secret (shown only this once).
    Create {
        #[command(flatten)]
        api: ApiArgs,
        /// The target URL.
        #[arg(long)]
        url: String,
        /// Event filters (repeatable or comma-separated): types, `ticket.*`, `*`.
        #[arg(long = "event", value_delimiter = ',', required = true)]
        events: Vec<String>,
        /// A label.
        #[arg(long, default_value = "")]
        name: String,
        /// Add flat-payload copies for automation builders.
        #[arg(long)]
        flat_payload: bool,
    },
    /// List webhooks.
    List {
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Show one webhook.
    Get {
        #[command(flatten)]
        api: ApiArgs,
        /// The webhook id.
        id: String,
    },
    /// Delete a webhook.
    Delete {
        #[command(flatten)]
        api: ApiArgs,
        /// The webhook id.
        id: String,
    },
}

#[derive(Args)]
struct SecretArgs {
    /// The signing secret (repeatable for rotation).
    #[arg(
        long = "secret",
        env = "CSTAR_WEBHOOK_SECRET",
        hide_env_values = true,
        required = true,
        value_delimiter = ','
    )]
    secrets: Vec<String>,
}

#[derive(Args)]
struct SignArgs {
    #[command(flatten)]
    secrets: SecretArgs,
    /// The signature time, unix seconds [default: now].
    #[arg(long)]
    timestamp: Option<i64>,
    /// Produce the legacy `sha256=` form instead.
    #[arg(long)]
    legacy: bool,
    /// The body file (default: stdin).
    file: Option<PathBuf>,
}

#[derive(Args)]
struct VerifyArgs {
    #[command(flatten)]
    secrets: SecretArgs,
    /// The `X-Signature` header value.
    #[arg(long)]
    signature: String,
    /// Tolerance in seconds.
    #[arg(long, default_value_t = 300)]
    tolerance: u64,
    /// Refuse the legacy `sha256=` form.
    #[arg(long)]
    no_legacy: bool,
    /// The time to verify at, unix seconds [default: now].
    #[arg(long)]
    now: Option<i64>,
    /// The body file (default: stdin).
    file: Option<PathBuf>,
}

#[derive(Args)]
struct ListenArgs {
    #[command(flatten)]
    secrets: SecretArgs,
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:9000")]
    listen: SocketAddr,
    /// Answer every delivery with this status (to try retries): 200 by default.
    #[arg(long, default_value_t = 200)]
    status: u16,
}

fn read_body(file: Option<&PathBuf>) -> Result<Vec<u8>, String> {
    match file {
        Some(p) => std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display())),
        None => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| format!("cannot read stdin: {e}"))?;
            Ok(buf)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(args).await,
            Command::Publish(args) => publish(args).await,
            Command::Webhooks(cmd) => webhooks(cmd).await,
            Command::Sign(args) => sign(&args),
            Command::Verify(args) => return verify(&args),
            Command::Listen(args) => listen(args).await,
        }
        .map(|()| ExitCode::SUCCESS)
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn settings_from(args: ServeArgs) -> Result<Settings, String> {
    let file: ConfigFile = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => ConfigFile::default(),
    };
    let d = Settings::default();
    let cidrs = if args.allow_cidr.is_empty() { file.allow_cidr.unwrap_or_default() } else { args.allow_cidr };
    let allow_cidrs =
        cidrs.iter().filter(|c| !c.trim().is_empty()).map(|c| Cidr::parse(c)).collect::<Result<Vec<_>, _>>()?;
    Ok(Settings {
        db: Some(args.db.or(file.db).unwrap_or_else(|| d.db.clone().unwrap_or_default())),
        listen: args.listen.or(file.listen).unwrap_or(d.listen),
        api_key: args.api_key.or(file.api_key),
        dev: args.dev || file.dev.unwrap_or(false),
        allow_cidrs,
        rotation_overlap: args
            .rotation_overlap_secs
            .or(file.rotation_overlap_secs)
            .map_or(d.rotation_overlap, Duration::from_secs),
        retry_delays: args.retry_delays.or(file.retry_delays),
        max_in_flight: args.max_in_flight.or(file.max_in_flight).unwrap_or(d.max_in_flight),
        per_webhook: args.per_webhook.or(file.per_webhook).unwrap_or(d.per_webhook),
        team_id: args.team_id.or(file.team_id),
        disable_after: args.disable_after_secs.or(file.disable_after_secs).map_or(d.disable_after, Duration::from_secs),
        disable_after_failures: args
            .disable_after_failures
            .or(file.disable_after_failures)
            .unwrap_or(d.disable_after_failures),
        poll_interval: d.poll_interval,
        attempt_timeout: args.attempt_timeout_ms.map_or(d.attempt_timeout, Duration::from_millis),
        lease: args.lease_ms.map_or(d.lease, Duration::from_millis),
    })
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let level = args.log.parse::<tracing::Level>().map_err(|_| format!("unknown log level `{}`", args.log))?;
    tracing_subscriber::fmt().with_max_level(level).with_target(false).init();
    let settings = settings_from(args)?;
    let db = settings.db.clone().unwrap_or_default();
    let dev = settings.dev;
    let api_key_given = settings.api_key.as_deref().is_some_and(|k| !k.trim().is_empty());
    let running = start(settings, Arc::new(SystemClock), None).await?;
    let base = format!("http://{}", running.addr);
    println!("cStar webhooks sender on {base}");
    println!("  settings page:  {base}/");
    println!("  API:            {base}/v1   (OpenAPI: {base}/openapi.json)");
    println!("  health/metrics: {base}/healthz  {base}/metrics");
    println!("  database:       {}", db.display());
    if dev {
        println!("  DEV MODE: http:// and loopback webhook URLs are allowed");
    }
    match &running.generated_api_key {
        Some(key) => println!("  API key (shown once, stored hashed; pass --api-key to choose one): {key}"),
        None if api_key_given => println!("  API key: the one given with --api-key / CSTAR_API_KEY / the config file"),
        None => println!("  API key: the one printed at first start (lost it? restart with --api-key NEW_KEY)"),
    }
    let stop = running.shutdown_handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight attempts");
        let _ = stop.send(true);
    });
    running.wait().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

async fn call(api: &ApiArgs, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<(), String> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().map_err(|e| e.to_string())?;
    let url = format!("{}{path}", api.api.trim_end_matches('/'));
    let mut req = client.request(method, &url).bearer_auth(&api.api_key);
    if let Some(body) = body {
        req = req.header("content-type", "application/json").body(body.to_string());
    }
    let resp = req.send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    let pretty =
        serde_json::from_str::<Value>(&text).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or(text);
    if status.is_success() {
        if !pretty.is_empty() {
            println!("{pretty}");
        }
        Ok(())
    } else {
        Err(format!("{status}: {pretty}"))
    }
}

async fn publish(args: PublishArgs) -> Result<(), String> {
    let data: Value = match &args.data {
        Some(text) => serde_json::from_str(text).map_err(|e| format!("--data is not JSON: {e}"))?,
        None => cstar_webhooks::sample_event(&cstar_webhooks::EventType::parse(&args.event_type))
            .map(|e| Value::Object(e.data))
            .ok_or_else(|| format!("`{}` has no sample; pass --data", args.event_type))?,
    };
    let mut body = json!({"type": args.event_type, "data": data});
    if let (Some(t), Value::Object(m)) = (&args.team_id, &mut body) {
        m.insert("team_id".into(), Value::String(t.clone()));
    }
    call(&args.api, reqwest::Method::POST, "/v1/events", Some(body)).await
}

async fn webhooks(cmd: WebhooksCmd) -> Result<(), String> {
    match cmd {
        WebhooksCmd::Create { api, url, events, name, flat_payload } => {
            let body = json!({"url": url, "events": events, "name": name, "flat_payload": flat_payload});
            call(&api, reqwest::Method::POST, "/v1/webhooks", Some(body)).await
        }
        WebhooksCmd::List { api } => call(&api, reqwest::Method::GET, "/v1/webhooks", None).await,
        WebhooksCmd::Get { api, id } => call(&api, reqwest::Method::GET, &format!("/v1/webhooks/{id}"), None).await,
        WebhooksCmd::Delete { api, id } => {
            call(&api, reqwest::Method::DELETE, &format!("/v1/webhooks/{id}"), None).await
        }
    }
}

fn secrets_of(a: &SecretArgs) -> Vec<Secret> {
    a.secrets.iter().map(|s| Secret::new(s.as_str())).collect()
}

fn sign(args: &SignArgs) -> Result<(), String> {
    let body = read_body(args.file.as_ref())?;
    let secrets = secrets_of(&args.secrets);
    if args.legacy {
        let first = secrets.first().ok_or("no secret")?;
        println!("{}", cstar_webhooks::sign_legacy(first, &body));
    } else {
        let t = args.timestamp.unwrap_or_else(|| SystemClock.now_s());
        println!("{}", cstar_webhooks::sign(&secrets, t, &body).map_err(|e| e.to_string())?);
    }
    Ok(())
}

fn verify(args: &VerifyArgs) -> Result<ExitCode, String> {
    let body = read_body(args.file.as_ref())?;
    let verifier = Verifier::new(secrets_of(&args.secrets)).tolerance(args.tolerance).allow_legacy(!args.no_legacy);
    let now = args.now.unwrap_or_else(|| SystemClock.now_s());
    match verifier.verify(Some(&args.signature), &body, now) {
        Ok(v) => {
            println!(
                "{}",
                json!({"valid": true, "scheme": v.scheme.as_str(), "timestamp": v.timestamp, "secret_index": v.secret_index})
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("{}", e.code());
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn listen(args: ListenArgs) -> Result<(), String> {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};
    let secrets = Arc::new(secrets_of(&args.secrets));
    let verifier = Arc::new(Verifier::new(secrets.iter().cloned()));
    let status = StatusCode::from_u16(args.status).map_err(|e| e.to_string())?;
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let verifier = Arc::clone(&verifier);
        let secrets = Arc::clone(&secrets);
        async move {
            let pairs = headers.iter().filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())));
            let h = WebhookHeaders::from_pairs(pairs);
            let now = SystemClock.now_s();
            println!(
                "──── {} {} attempt {} ────",
                h.event_type.as_deref().unwrap_or("?"),
                h.event_id.as_deref().unwrap_or("?"),
                h.attempt().unwrap_or(0)
            );
            match verifier.construct_event(h.signature.as_deref(), &body, now) {
                Ok(event) => {
                    println!("✔ verified: {} ({})", event.event_type, event.id);
                    let pretty = serde_json::from_slice::<Value>(&body)
                        .ok()
                        .and_then(|v| serde_json::to_string_pretty(&v).ok())
                        .unwrap_or_default();
                    println!("{pretty}");
                    (status, axum::Json(json!({"received": true})))
                }
                Err(e) => {
                    println!("✘ rejected: {}", e.code());
                    for cause in cstar_webhooks::diagnose(&secrets, h.signature.as_deref(), &body, now).causes {
                        println!("  likely cause: {} — {}", cause.code(), cause.explain());
                    }
                    (StatusCode::BAD_REQUEST, axum::Json(json!({"error": e.code()})))
                }
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(args.listen).await.map_err(|e| format!("{}: {e}", args.listen))?;
    println!(
        "listening on http://{} — create a webhook pointing here (the sender needs --dev for http://)",
        args.listen
    );
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await.map_err(|e| e.to_string())
}
