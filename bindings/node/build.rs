//! Links the addon against Node-API (napi-rs).
fn main() {
    napi_build::setup();
}
