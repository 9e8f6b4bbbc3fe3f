//! The throwaway PostgreSQL server of the tests: the one `make test` starts (`MOS_TEST_POSTGRES_URL`),
//! or, without it, the one `scripts/postgres.sh start` starts (and the test fails when it cannot).
//! Each test gets a fresh database of it. Included by the tests of several crates (`#[path]`).

use std::path::Path;

use sqlx::Connection;

/// The throwaway server's URL (the `postgres` database), the server started once per test binary
/// when `make test` did not.
fn postgres_admin_url() -> String {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("MOS_TEST_POSTGRES_URL") {
            return url;
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres.sh");
        let output = std::process::Command::new(&script).arg("start").output().expect("scripts/postgres.sh runs");
        assert!(output.status.success(), "{} start: {}", script.display(), String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    })
    .clone()
}

/// A URL of a fresh, empty PostgreSQL database named after `name`.
pub async fn fresh_postgres(name: &str) -> String {
    let admin = postgres_admin_url();
    let database = format!("store_{name}_{}", std::process::id());
    let mut connection = sqlx::PgConnection::connect(&admin).await.expect("the test server answers");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {database}")))
        .execute(&mut connection)
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}"))).execute(&mut connection).await.unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    format!("{base}/{database}")
}
