//! Last logins from the Alma API: `GET /users/staff-login-report` read
//! page by page (100 entries a page, until `total_record_count`, or a short
//! page when Alma gives no count) for the days `[today - retention, today]`,
//! then reduced to the last successful login of each user: the same
//! [`LoginReport`] an exported file gives, dated today, so the sweep (R8)
//! runs the same way on either. A user with only failed attempts is listed
//! without a login ([`LastLogin::NoneRecorded`]); a user with no entry is
//! absent. Alma keeps at most [`ALMA_RETENTION_DAYS`] days.
//!
//! `successful` is not sent: its accepted values are not confirmed, and
//! failed attempts are told apart here. A report that stops short of its
//! count is an error, never a shorter table: a missing user would read as
//! inactive.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Days, NaiveDate};

use super::login_report::{LastLogin, LoginReport};
use crate::alma::wire::{StaffLogin, StaffLoginFields};
use crate::alma::{AlmaError, AlmaRead, MAX_PAGE};

/// The longest retention Alma offers for staff logins.
pub const ALMA_RETENTION_DAYS: u32 = 90;
/// The most pages read before giving up (a million entries).
const MAX_PAGES: u32 = 10_000;

/// The report, read and reduced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// Each user's last successful login, dated `to`.
    pub report: LoginReport,
    /// The days asked for.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Entries read: logins and failed attempts.
    pub entries: usize,
    /// Users listed with only failed attempts.
    pub failed_only: usize,
    /// Pages requested.
    pub pages: u32,
    /// The field names of the first entry (none when the report is empty).
    pub fields: Option<StaffLoginFields>,
}

/// Why the report could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// Alma would keep fewer days than asked for.
    Retention { days: u32 },
    /// The API failed, or answered in a shape the decoder does not know.
    Alma(AlmaError),
    /// A page came back empty before `total_record_count` entries were read.
    Incomplete { read: u64, total: u64 },
    /// More than [`MAX_PAGES`] pages.
    TooLong { pages: u32 },
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Retention { days } => write!(
                f,
                "a retention of {days} days: Alma keeps staff logins for at most {ALMA_RETENTION_DAYS} days"
            ),
            FetchError::Alma(e) => write!(f, "reading the staff login report: {e}"),
            FetchError::Incomplete { read, total } => write!(
                f,
                "Alma's staff login report stopped after {read} of its {total} entries; \
                 nothing is judged on part of it (run again)"
            ),
            FetchError::TooLong { pages } => write!(
                f,
                "Alma's staff login report did not end after {pages} pages; nothing is judged on part of it"
            ),
        }
    }
}

impl std::error::Error for FetchError {}

impl From<AlmaError> for FetchError {
    fn from(e: AlmaError) -> Self {
        FetchError::Alma(e)
    }
}

/// The first day of a window of `retention_days` ending `today`.
pub fn window_start(today: NaiveDate, retention_days: u32) -> NaiveDate {
    today
        .checked_sub_days(Days::new(u64::from(retention_days)))
        .unwrap_or(NaiveDate::MIN)
}

/// Reads the report for `[today - retention_days, today]` and reduces it.
pub async fn fetch(
    alma: &impl AlmaRead,
    today: NaiveDate,
    retention_days: u32,
) -> Result<Fetched, FetchError> {
    if retention_days > ALMA_RETENTION_DAYS {
        return Err(FetchError::Retention {
            days: retention_days,
        });
    }
    let from = window_start(today, retention_days);
    let mut logins: Vec<StaffLogin> = Vec::new();
    let mut fields = None;
    let mut pages = 0;
    loop {
        if pages == MAX_PAGES {
            return Err(FetchError::TooLong { pages });
        }
        let offset = u32::try_from(logins.len()).map_err(|_| FetchError::TooLong { pages })?;
        let page = alma.staff_logins(from, today, offset, MAX_PAGE).await?;
        pages += 1;
        let got = page.logins.len();
        fields = fields.or(page.fields);
        logins.extend(page.logins);
        let read = logins.len() as u64;
        match page.total_record_count {
            Some(total) if read >= total => break,
            Some(total) if got == 0 => return Err(FetchError::Incomplete { read, total }),
            Some(_) => {}
            None if got < MAX_PAGE as usize => break,
            None => {}
        }
    }
    let (report, failed_only) = reduce(&logins, today, fields.as_ref());
    Ok(Fetched {
        report,
        from,
        to: today,
        entries: logins.len(),
        failed_only,
        pages,
        fields,
    })
}

/// Each user's last successful login (ids compared case-insensitively, as
/// Alma does), as a report dated `as_of`; and how many users had only
/// failed attempts.
pub fn reduce(
    logins: &[StaffLogin],
    as_of: NaiveDate,
    fields: Option<&StaffLoginFields>,
) -> (LoginReport, usize) {
    let mut users: BTreeMap<String, LastLogin> = BTreeMap::new();
    for login in logins {
        let slot = users
            .entry(login.primary_id.to_lowercase())
            .or_insert(LastLogin::NoneRecorded);
        let on = LastLogin::On(login.day);
        if login.successful && on > *slot {
            *slot = on;
        }
    }
    let failed_only = users
        .values()
        .filter(|l| **l == LastLogin::NoneRecorded)
        .count();
    let report = LoginReport {
        generated: Some(as_of),
        rows: users.len(),
        users,
        id_column: fields.map_or("primary_id".into(), |f| format!("{}[].{}", f.list, f.id)),
        last_login_column: fields.map_or("login_date".into(), |f| f.date.clone()),
    };
    (report, failed_only)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alma::wire::{self, StaffLoginPage};
    use crate::alma::{ApiUsage, CodeRow, Desk, General, Library, UserPage};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn login(id: &str, day: &str, successful: bool) -> StaffLogin {
        StaffLogin {
            primary_id: id.into(),
            day: d(day),
            successful,
        }
    }

    #[test]
    fn the_last_successful_login_of_each_user() {
        let logins = [
            login("JDoe", "2026-12-03", true),
            login("jdoe", "2026-12-01", true),
            login("jdoe", "2026-12-09", false),
            login("asmith", "2026-12-02", false),
            login("asmith", "2026-12-04", false),
        ];
        let (report, failed_only) = reduce(&logins, d("2026-12-10"), None);
        assert_eq!(report.users["jdoe"], LastLogin::On(d("2026-12-03")));
        assert_eq!(report.users["asmith"], LastLogin::NoneRecorded);
        assert_eq!(report.users.len(), 2);
        assert_eq!(report.rows, 2);
        assert_eq!(failed_only, 1);
        assert_eq!(report.generated, Some(d("2026-12-10")));
        assert_eq!(report.id_column, "primary_id");
    }

    /// Answers the report with scripted pages and records the offsets asked for.
    struct Scripted {
        pages: std::sync::Mutex<Vec<StaffLoginPage>>,
        offsets: std::sync::Mutex<Vec<u32>>,
    }

    impl Scripted {
        fn new(pages: Vec<StaffLoginPage>) -> Self {
            Scripted {
                pages: std::sync::Mutex::new(pages),
                offsets: std::sync::Mutex::new(Vec::new()),
            }
        }
    }

    impl AlmaRead for Scripted {
        async fn get_user(&self, _: &str) -> Result<Option<wire::User>, AlmaError> {
            unreachable!()
        }
        async fn list_users(&self, _: u32, _: u32, _: Option<&str>) -> Result<UserPage, AlmaError> {
            unreachable!()
        }
        async fn code_table(&self, _: &str) -> Result<Vec<CodeRow>, AlmaError> {
            unreachable!()
        }
        async fn libraries(&self) -> Result<Vec<Library>, AlmaError> {
            unreachable!()
        }
        async fn circulation_desks(&self, _: &str) -> Result<Vec<Desk>, AlmaError> {
            unreachable!()
        }
        async fn general(&self) -> Result<General, AlmaError> {
            unreachable!()
        }
        async fn staff_logins(
            &self,
            _: NaiveDate,
            _: NaiveDate,
            offset: u32,
            _: u32,
        ) -> Result<StaffLoginPage, AlmaError> {
            self.offsets.lock().unwrap().push(offset);
            let mut pages = self.pages.lock().unwrap();
            assert!(!pages.is_empty(), "asked for a page past the script");
            Ok(pages.remove(0))
        }
        fn usage(&self) -> ApiUsage {
            ApiUsage::default()
        }
    }

    fn page(total: Option<u64>, n: usize) -> StaffLoginPage {
        StaffLoginPage {
            total_record_count: total,
            logins: (0..n)
                .map(|i| login(&format!("u{i}"), "2026-12-01", true))
                .collect(),
            fields: None,
        }
    }

    fn run(alma: &Scripted) -> Result<Fetched, FetchError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(fetch(alma, d("2026-12-10"), 90))
    }

    #[test]
    fn a_report_that_stops_short_of_its_count_is_an_error() {
        let alma = Scripted::new(vec![page(Some(250), 100), page(Some(250), 0)]);
        assert_eq!(
            run(&alma),
            Err(FetchError::Incomplete {
                read: 100,
                total: 250
            })
        );
        let e = FetchError::Incomplete {
            read: 100,
            total: 250,
        }
        .to_string();
        assert!(e.contains("stopped after 100 of its 250 entries"), "{e}");
    }

    #[test]
    fn without_a_count_pages_are_read_until_a_short_one() {
        let alma = Scripted::new(vec![page(None, 100), page(None, 100), page(None, 7)]);
        let fetched = run(&alma).unwrap();
        assert_eq!((fetched.entries, fetched.pages), (207, 3));
        assert_eq!(*alma.offsets.lock().unwrap(), [0, 100, 200]);
    }

    #[test]
    fn a_count_that_grows_while_paging_is_followed() {
        let alma = Scripted::new(vec![page(Some(150), 100), page(Some(160), 60)]);
        let fetched = run(&alma).unwrap();
        assert_eq!(fetched.entries, 160);
        assert_eq!(*alma.offsets.lock().unwrap(), [0, 100]);
    }

    #[test]
    fn the_window_is_the_retention_up_to_today() {
        assert_eq!(window_start(d("2027-01-15"), 90), d("2026-10-17"));
        assert_eq!(window_start(d("2027-01-15"), 0), d("2027-01-15"));
    }
}
