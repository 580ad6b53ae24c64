//! One finding of the preflight: an id, a status, one line of what was found
//! and, when not ok, the fix. The JSON form is the documented schema
//! (`docs/doctor.schema.json`).

use serde::Serialize;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Skipped,
    Warn,
    Fail,
}

/// The groups a report is shown in, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Stick,
    CodexHome,
    Payload,
    Environment,
    Login,
    Network,
    Windows,
}

impl Group {
    /// The group's heading in `lang`.
    pub fn title_in(self, lang: crate::messages::Lang) -> &'static str {
        let t = crate::messages::text(lang);
        match self {
            Self::Stick => t.group_stick,
            Self::CodexHome => t.group_codex_home,
            Self::Payload => t.group_payload,
            Self::Environment => t.group_environment,
            Self::Login => t.group_login,
            Self::Network => t.group_network,
            Self::Windows => "windows",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Stick => "stick",
            Self::CodexHome => "codex_home",
            Self::Payload => "payload",
            Self::Environment => "environment",
            Self::Login => "login",
            Self::Network => "network",
            Self::Windows => "windows",
        }
    }
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: String,
    pub group: Group,
    pub status: Status,
    pub finding: String,
    /// What to do; present when the status is warn or fail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn new(
        status: Status,
        group: Group,
        id: impl Into<String>,
        finding: impl Into<String>,
        fix: Option<String>,
    ) -> Self {
        Self {
            id: id.into(),
            group,
            status,
            finding: finding.into(),
            fix,
        }
    }

    pub fn ok(group: Group, id: impl Into<String>, finding: impl Into<String>) -> Self {
        Self::new(Status::Ok, group, id, finding, None)
    }

    pub fn warn(
        group: Group,
        id: impl Into<String>,
        finding: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self::new(Status::Warn, group, id, finding, Some(fix.into()))
    }

    pub fn fail(
        group: Group,
        id: impl Into<String>,
        finding: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self::new(Status::Fail, group, id, finding, Some(fix.into()))
    }

    pub fn skipped(group: Group, id: impl Into<String>, finding: impl Into<String>) -> Self {
        Self::new(Status::Skipped, group, id, finding, None)
    }
}
