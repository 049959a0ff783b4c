//! The shared config and credentials files (`~/.aws/config`,
//! `~/.aws/credentials`): a strict parser, and [`ProfileProvider`], which turns
//! a profile into credentials.
//!
//! File format (as the AWS SDKs read it): `[section]` headers; `key = value`
//! properties (keys are case-insensitive); lines starting with `#` or `;` are
//! comments, and so is the rest of a value after ` #` or ` ;`; a line indented
//! deeper than the property above it continues that property. In the config
//! file, profiles are `[default]` or `[profile name]` and IAM Identity Center
//! sessions `[sso-session name]`; in the credentials file every section is a
//! profile. Properties in the credentials file win over the config file.
//! Error messages name the file and line, never the line's content.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use super::provider_config::ProviderConfig;
use super::{
    BoxFuture, Credentials, CredentialsError, EnvironmentProvider, ProvideCredentials, process,
    sso, sts, web_identity,
};
use crate::credentials::container::ContainerProvider;
use crate::credentials::imds::ImdsProvider;

/// The properties of one section. `Debug` lists keys only (values can be secrets).
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Section {
    props: BTreeMap<String, String>,
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.props.keys()).finish()
    }
}

impl Section {
    /// The value of `key` (case-insensitive); `None` when absent or empty.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.props
            .get(&key.to_ascii_lowercase())
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Which file a source text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    Config,
    Credentials,
}

/// Profiles and SSO sessions of the two files, merged.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProfileSet {
    profiles: HashMap<String, Section>,
    sso_sessions: HashMap<String, Section>,
    /// `[services name]` sections: per-service settings a profile points at
    /// with `services = name`.
    services: HashMap<String, Section>,
    /// The files that were read (those that exist).
    pub(crate) files_read: Vec<PathBuf>,
    /// Every file looked at, for messages.
    pub(crate) files_considered: Vec<PathBuf>,
}

enum Target {
    Profile(String),
    SsoSession(String),
    Services(String),
    Ignored,
}

impl ProfileSet {
    /// The profile `name`.
    pub(crate) fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// The `[sso-session name]` section.
    pub(crate) fn sso_session(&self, name: &str) -> Option<&Section> {
        self.sso_sessions.get(name)
    }

    /// Parses one file's text into this set; later values win.
    pub(crate) fn parse(
        &mut self,
        kind: FileKind,
        label: &Path,
        text: &str,
    ) -> Result<(), CredentialsError> {
        let err = |line: usize, what: &str| {
            CredentialsError::invalid_configuration(format!(
                "{}: line {line}: {what}",
                label.display()
            ))
        };
        let mut target: Option<Target> = None;
        // The key of the last property and the indentation of its line.
        let mut last: Option<(String, usize)> = None;
        for (index, raw) in text.lines().enumerate() {
            let line_no = index + 1;
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let raw = if index == 0 {
                raw.strip_prefix('\u{feff}').unwrap_or(raw)
            } else {
                raw
            };
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            let indent = raw.len() - raw.trim_start().len();
            if trimmed.starts_with('[') {
                let Some(close) = trimmed.find(']') else {
                    return Err(err(line_no, "section header without `]`"));
                };
                let after = trimmed[close + 1..].trim_start();
                if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                    return Err(err(line_no, "unexpected text after a section header"));
                }
                let name = trimmed[1..close].trim();
                if name.is_empty() {
                    return Err(err(line_no, "empty section name"));
                }
                target = Some(section_target(kind, name));
                last = None;
                continue;
            }
            let Some(current) = &target else {
                return Err(err(line_no, "property before any `[section]`"));
            };
            let map = match current {
                Target::Profile(name) => Some(self.profiles.entry(name.clone()).or_default()),
                Target::SsoSession(name) => {
                    Some(self.sso_sessions.entry(name.clone()).or_default())
                }
                Target::Services(name) => Some(self.services.entry(name.clone()).or_default()),
                Target::Ignored => None,
            };
            if let Some((key, key_indent)) = &last
                && indent > *key_indent
            {
                // Continuation of the previous property (sub-properties such as `s3 =`).
                if let Some(map) = map
                    && let Some(value) = map.props.get_mut(key)
                {
                    if !value.is_empty() {
                        value.push('\n');
                    }
                    value.push_str(strip_inline_comment(trimmed));
                }
                continue;
            }
            let Some((key, value)) = trimmed.split_once('=') else {
                return Err(err(line_no, "expected `key = value`"));
            };
            let key = key.trim().to_ascii_lowercase();
            if key.is_empty() || key.chars().any(char::is_whitespace) {
                return Err(err(line_no, "invalid property name"));
            }
            let value = strip_inline_comment(value.trim()).to_owned();
            if let Some(map) = map {
                map.props.insert(key.clone(), value);
            }
            last = Some((key, indent));
        }
        Ok(())
    }

    /// Reads the config and credentials files named by the environment
    /// (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else under `~/.aws`).
    /// Missing files are skipped.
    pub(crate) async fn load(config: &ProviderConfig) -> Result<Self, CredentialsError> {
        let mut set = Self::default();
        for (kind, path) in file_paths(config) {
            let Some(path) = path else { continue };
            let read = tokio::fs::read_to_string(&path).await;
            set.add_file(kind, path, read)?;
        }
        Ok(set)
    }

    /// [`load`](Self::load) without async, for region resolution at build time.
    pub(crate) fn load_blocking(config: &ProviderConfig) -> Result<Self, CredentialsError> {
        let mut set = Self::default();
        for (kind, path) in file_paths(config) {
            let Some(path) = path else { continue };
            let read = std::fs::read_to_string(&path);
            set.add_file(kind, path, read)?;
        }
        Ok(set)
    }

    /// Parses one file's text into this set, as read from `path`; a missing
    /// file is skipped.
    fn add_file(
        &mut self,
        kind: FileKind,
        path: PathBuf,
        read: std::io::Result<String>,
    ) -> Result<(), CredentialsError> {
        self.files_considered.push(path.clone());
        match read {
            Ok(text) => {
                self.parse(kind, &path, &text)?;
                self.files_read.push(path);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(CredentialsError::invalid_configuration(format!(
                "cannot read {}",
                path.display()
            ))
            .with_source(e)),
        }
    }

    fn files_label(&self) -> String {
        if self.files_considered.is_empty() {
            return "no file (neither AWS_CONFIG_FILE nor a home directory is set)".to_owned();
        }
        self.files_considered
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

fn section_target(kind: FileKind, name: &str) -> Target {
    match kind {
        FileKind::Credentials => Target::Profile(name.to_owned()),
        FileKind::Config => {
            if name == "default" {
                return Target::Profile(name.to_owned());
            }
            let mut words = name.splitn(2, char::is_whitespace);
            let prefix = words.next().unwrap_or_default();
            let rest = words.next().map(str::trim).unwrap_or_default();
            match prefix {
                "profile" if !rest.is_empty() => Target::Profile(rest.to_owned()),
                "sso-session" if !rest.is_empty() => Target::SsoSession(rest.to_owned()),
                "services" if !rest.is_empty() => Target::Services(rest.to_owned()),
                _ => {
                    tracing::debug!(
                        section = name,
                        "ignoring a config file section that is not `[profile name]`, `[default]`, `[sso-session name]` or `[services name]`"
                    );
                    Target::Ignored
                }
            }
        }
    }
}

/// Cuts a comment that starts with `#` or `;` preceded by whitespace.
fn strip_inline_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(b, b'#' | b';') && i > 0 && bytes[i - 1].is_ascii_whitespace() {
            return value[..i].trim_end();
        }
    }
    value
}

fn file_paths(config: &ProviderConfig) -> [(FileKind, Option<PathBuf>); 2] {
    let env = config.env();
    let home_file = |name: &str| config.home_dir().map(|h| h.join(".aws").join(name));
    [
        (
            FileKind::Config,
            env.get("AWS_CONFIG_FILE")
                .map(|p| config.expand_home(&p))
                .or_else(|| home_file("config")),
        ),
        (
            FileKind::Credentials,
            env.get("AWS_SHARED_CREDENTIALS_FILE")
                .map(|p| config.expand_home(&p))
                .or_else(|| home_file("credentials")),
        ),
    ]
}

/// The profile selected by the environment: `AWS_PROFILE`, else `default`.
/// The flag tells whether it was chosen explicitly.
pub(crate) fn selected_profile(config: &ProviderConfig, explicit: Option<&str>) -> (String, bool) {
    match explicit
        .map(str::to_owned)
        .or_else(|| config.env().get("AWS_PROFILE"))
    {
        Some(name) => (name.trim().to_owned(), true),
        None => ("default".to_owned(), false),
    }
}

/// The `region` of a profile, read synchronously (for client construction).
pub(crate) fn region_of_profile(config: &ProviderConfig, explicit: Option<&str>) -> Option<String> {
    selected_profile_with_services(config, explicit).and_then(|p| p.get("region"))
}

/// The selected profile and its settings for one service.
#[derive(Debug, Clone)]
pub(crate) struct SelectedProfile {
    /// The profile's own properties.
    profile: Section,
    /// The `[services name]` section its `services` property names, if any.
    services: Option<Section>,
}

impl SelectedProfile {
    /// A profile setting (`region`, `endpoint_url`, ...).
    pub(crate) fn get(&self, key: &str) -> Option<String> {
        self.profile.get(key).map(str::to_owned)
    }

    /// A sub-property of `service` (the service id in snake case, such as
    /// `bedrock_runtime`) in the profile's `[services]` section:
    ///
    /// ```ini
    /// [profile dev]
    /// services = local
    /// [services local]
    /// bedrock_runtime =
    ///   endpoint_url = http://localhost:4566
    /// ```
    pub(crate) fn service_setting(&self, service: &str, key: &str) -> Option<String> {
        let block = self.services.as_ref()?.get(service)?;
        block.lines().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim().eq_ignore_ascii_case(key) && !v.trim().is_empty())
                .then(|| v.trim().to_owned())
        })
    }
}

/// The selected profile (`explicit`, else `AWS_PROFILE`, else `default`) with
/// its `[services]` section, read synchronously (for client construction);
/// `None` when the files cannot be read (with a warning) or have no such
/// profile.
pub(crate) fn selected_profile_with_services(
    config: &ProviderConfig,
    explicit: Option<&str>,
) -> Option<SelectedProfile> {
    let (name, _) = selected_profile(config, explicit);
    match ProfileSet::load_blocking(config) {
        Ok(set) => {
            let profile = set.profile(&name)?.clone();
            let services = profile
                .get("services")
                .and_then(|s| set.services.get(s.trim()))
                .cloned();
            Some(SelectedProfile { profile, services })
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not read the shared config files");
            None
        }
    }
}

/// Where a profile chain gets its first credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Base {
    Static { profile: String },
    Process { profile: String },
    Sso { profile: String },
    WebIdentity { profile: String },
    Environment,
    InstanceMetadata,
    Container,
}

/// An AssumeRole step of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RoleStep {
    profile: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    base: Base,
    /// Applied in order, starting from the base credentials.
    roles: Vec<RoleStep>,
}

fn has_static(section: &Section) -> bool {
    section.get("aws_access_key_id").is_some() || section.get("aws_secret_access_key").is_some()
}

fn is_sso(section: &Section) -> bool {
    section.get("sso_session").is_some() || section.get("sso_start_url").is_some()
}

/// Works out how profile `name` gets credentials, following `source_profile`.
fn plan(set: &ProfileSet, name: &str) -> Result<Plan, CredentialsError> {
    let mut visited: Vec<String> = Vec::new();
    let mut roles = Vec::new();
    let mut current = name.to_owned();
    let base = loop {
        if visited.contains(&current) {
            visited.push(current);
            return Err(CredentialsError::invalid_configuration(format!(
                "profile {name:?}: source_profile cycle: {}",
                visited.join(" -> ")
            )));
        }
        let Some(section) = set.profile(&current) else {
            let referrer = visited.last().map(String::as_str).unwrap_or(name);
            return Err(CredentialsError::invalid_configuration(format!(
                "profile {referrer:?} names source_profile {current:?}, which is not in {}",
                set.files_label()
            )));
        };
        let is_source = !visited.is_empty();
        visited.push(current.clone());
        // A source profile's own static keys win over its role (as in the AWS SDKs).
        if is_source && has_static(section) {
            break Base::Static { profile: current };
        }
        if section.get("role_arn").is_some() {
            if section.get("mfa_serial").is_some() {
                return Err(CredentialsError::invalid_configuration(format!(
                    "profile {current:?} needs an MFA code (mfa_serial), which this SDK cannot prompt for; \
                     use a profile without MFA, or `aws sts get-session-token` and environment variables"
                )));
            }
            if section.get("web_identity_token_file").is_some() {
                break Base::WebIdentity { profile: current };
            }
            roles.push(RoleStep {
                profile: current.clone(),
            });
            match (
                section.get("source_profile"),
                section.get("credential_source"),
            ) {
                (Some(_), Some(_)) => {
                    return Err(CredentialsError::invalid_configuration(format!(
                        "profile {current:?} sets both source_profile and credential_source"
                    )));
                }
                (Some(source), None) if source == current => {
                    // A profile that assumes a role with its own keys.
                    if !has_static(section) {
                        return Err(CredentialsError::invalid_configuration(format!(
                            "profile {current:?} is its own source_profile but has no aws_access_key_id"
                        )));
                    }
                    break Base::Static { profile: current };
                }
                (Some(source), None) => {
                    current = source.to_owned();
                    continue;
                }
                (None, Some(source)) => {
                    break match source {
                        "Environment" => Base::Environment,
                        "Ec2InstanceMetadata" => Base::InstanceMetadata,
                        "EcsContainer" => Base::Container,
                        other => {
                            return Err(CredentialsError::invalid_configuration(format!(
                                "profile {current:?}: unknown credential_source {other:?} \
                                 (expected Environment, Ec2InstanceMetadata or EcsContainer)"
                            )));
                        }
                    };
                }
                (None, None) => {
                    return Err(CredentialsError::invalid_configuration(format!(
                        "profile {current:?} sets role_arn but neither source_profile nor credential_source"
                    )));
                }
            }
        }
        if is_sso(section) {
            break Base::Sso { profile: current };
        }
        if has_static(section) {
            break Base::Static { profile: current };
        }
        if section.get("credential_process").is_some() {
            break Base::Process { profile: current };
        }
        if is_source {
            return Err(CredentialsError::invalid_configuration(format!(
                "source profile {current:?} has no credentials (no keys, credential_process, SSO or role)"
            )));
        }
        return Err(CredentialsError::not_loaded(format!(
            "profile {current:?} has no credentials (no keys, credential_process, SSO or role)"
        )));
    };
    roles.reverse();
    Ok(Plan { base, roles })
}

/// Credentials from a profile of the shared config and credentials files.
///
/// Supports, in this order of precedence within a profile:
/// - `role_arn` with `source_profile` (chains of any length) or
///   `credential_source` (`Environment`, `Ec2InstanceMetadata`,
///   `EcsContainer`), through STS AssumeRole signed with this crate's SigV4
///   (`role_session_name`, `external_id`, `duration_seconds` honored);
/// - `role_arn` with `web_identity_token_file` (STS AssumeRoleWithWebIdentity);
/// - IAM Identity Center: `sso_session` (with an `[sso-session]` section) or
///   the legacy `sso_start_url` + `sso_region`, with `sso_account_id` and
///   `sso_role_name`, using the token `aws sso login` cached;
/// - static `aws_access_key_id` / `aws_secret_access_key` / `aws_session_token`;
/// - `credential_process`.
///
/// The profile is the one given, else `AWS_PROFILE`, else `default`. The
/// files are re-read on every call (wrap the provider in a
/// [`CredentialsCache`](super::CredentialsCache), as the client does).
///
/// Errors are [not loaded](CredentialsError::is_not_loaded) when there is no
/// file, or the default profile is absent or holds no credentials, so a
/// chain moves on.
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    config: ProviderConfig,
    profile_name: Option<String>,
}

impl ProfileProvider {
    /// The profile selected by `AWS_PROFILE` (else `default`) in `config`'s environment.
    pub fn new(config: ProviderConfig) -> Self {
        Self {
            config,
            profile_name: None,
        }
    }

    /// Uses profile `name` instead of `AWS_PROFILE`.
    #[must_use]
    pub fn with_profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The profile this provider reads.
    pub fn profile_name(&self) -> String {
        selected_profile(&self.config, self.profile_name.as_deref()).0
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let (name, explicit) = selected_profile(&self.config, self.profile_name.as_deref());
        let set = ProfileSet::load(&self.config).await?;
        if set.profile(&name).is_none() {
            let message = if set.files_read.is_empty() {
                format!(
                    "no shared config or credentials file ({})",
                    set.files_label()
                )
            } else {
                format!("profile {name:?} is not in {}", set.files_label())
            };
            return Err(if explicit && !set.files_read.is_empty() {
                CredentialsError::invalid_configuration(message)
            } else {
                CredentialsError::not_loaded(message)
            });
        }
        let plan = plan(&set, &name)?;
        let region = set
            .profile(&name)
            .and_then(|p| p.get("region"))
            .map(str::to_owned)
            .or_else(|| self.config.env().get("AWS_REGION"))
            .or_else(|| self.config.env().get("AWS_DEFAULT_REGION"));
        let mut creds = self.base(&set, &plan.base, region.as_deref()).await?;
        for step in &plan.roles {
            let Some(section) = set.profile(&step.profile) else {
                continue;
            };
            creds = sts::assume_role_for_profile(
                &self.config,
                &creds,
                &step.profile,
                section,
                region.as_deref(),
            )
            .await?;
        }
        Ok(creds.with_provider_name(format!("profile:{name}")))
    }

    async fn base(
        &self,
        set: &ProfileSet,
        base: &Base,
        region: Option<&str>,
    ) -> Result<Credentials, CredentialsError> {
        let section = |profile: &str| set.profile(profile).cloned().unwrap_or_default();
        match base {
            Base::Static { profile } => static_credentials(profile, &section(profile)),
            Base::Process { profile } => {
                let command = section(profile)
                    .get("credential_process")
                    .unwrap_or_default()
                    .to_owned();
                process::run(&self.config, profile, &command).await
            }
            Base::Sso { profile } => sso::credentials(&self.config, set, profile).await,
            Base::WebIdentity { profile } => {
                let s = section(profile);
                web_identity::from_profile(&self.config, profile, &s, region).await
            }
            Base::Environment => EnvironmentProvider::with_env(self.config.env().clone())
                .load()
                .map_err(|e| {
                    CredentialsError::invalid_configuration(format!(
                        "credential_source = Environment: {}",
                        e.message()
                    ))
                }),
            Base::InstanceMetadata => ImdsProvider::new(self.config.clone())
                .provide_credentials()
                .await
                .map_err(|e| {
                    CredentialsError::provider_error(format!(
                        "credential_source = Ec2InstanceMetadata: {}",
                        e.message()
                    ))
                }),
            Base::Container => ContainerProvider::new(self.config.clone())
                .provide_credentials()
                .await
                .map_err(|e| {
                    CredentialsError::provider_error(format!(
                        "credential_source = EcsContainer: {}",
                        e.message()
                    ))
                }),
        }
    }
}

fn static_credentials(profile: &str, section: &Section) -> Result<Credentials, CredentialsError> {
    match (
        section.get("aws_access_key_id"),
        section.get("aws_secret_access_key"),
    ) {
        (Some(akid), Some(secret)) => Ok(Credentials::new(
            akid,
            secret,
            section.get("aws_session_token").map(str::to_owned),
        )),
        (Some(_), None) => Err(CredentialsError::invalid_configuration(format!(
            "profile {profile:?} has aws_access_key_id but no aws_secret_access_key"
        ))),
        (None, _) => Err(CredentialsError::invalid_configuration(format!(
            "profile {profile:?} has aws_secret_access_key but no aws_access_key_id"
        ))),
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.load())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(config: &str, credentials: &str) -> Result<ProfileSet, CredentialsError> {
        let mut set = ProfileSet::default();
        set.parse(FileKind::Config, Path::new("config"), config)?;
        set.parse(FileKind::Credentials, Path::new("credentials"), credentials)?;
        Ok(set)
    }

    #[test]
    fn parses_sections_comments_and_continuations() {
        let set = parse(
            "\u{feff}# comment\n[default]\nregion = eu-west-1 # trailing\n\
             [profile dev] ; comment\n  Region=us-west-2\n  s3 =\n    max_concurrent_requests = 10\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start#/\n\
             [nonsense]\nregion = ignored\n[profile  spaced  ]\nregion=x\r\n",
            "[default]\naws_access_key_id = AKID\naws_secret_access_key = se#cret\n[dev]\nregion = ap-south-1\n",
        )
        .expect("valid files");
        let default = set.profile("default").expect("default");
        assert_eq!(default.get("region"), Some("eu-west-1"));
        assert_eq!(default.get("aws_secret_access_key"), Some("se#cret"));
        let dev = set.profile("dev").expect("dev");
        // The credentials file wins.
        assert_eq!(dev.get("region"), Some("ap-south-1"));
        assert_eq!(dev.get("s3"), Some("max_concurrent_requests = 10"));
        assert_eq!(
            set.sso_session("corp").and_then(|s| s.get("sso_start_url")),
            Some("https://corp.awsapps.com/start#/")
        );
        assert!(set.profile("nonsense").is_none());
        assert_eq!(
            set.profile("spaced").and_then(|s| s.get("region")),
            Some("x")
        );
        assert!(!format!("{set:?}").contains("se#cret"));
    }

    #[test]
    fn errors_name_the_line_not_its_content() {
        for (text, line) in [
            ("aws_secret_access_key = SECRET1\n", 1),
            ("[default]\nSECRET1\n", 2),
            ("[default\n", 1),
            ("[default] SECRET1\n", 1),
            ("[]\n", 1),
            ("[default]\n= SECRET1\n", 2),
        ] {
            let err = parse(text, "").expect_err(text);
            assert!(err.is_invalid_configuration());
            let shown = err.to_string();
            assert!(shown.contains(&format!("line {line}")), "{shown}");
            assert!(!shown.contains("SECRET1"), "{shown}");
        }
    }

    #[test]
    fn plans_follow_source_profiles() {
        let set = parse(
            "[profile a]\nrole_arn = arn:a\nsource_profile = b\n\
             [profile b]\nrole_arn = arn:b\nsource_profile = c\n\
             [profile c]\naws_access_key_id = K\naws_secret_access_key = S\n\
             [profile self]\nrole_arn = arn:s\nsource_profile = self\naws_access_key_id = K\naws_secret_access_key = S\n\
             [profile env]\nrole_arn = arn:e\ncredential_source = Environment\n\
             [profile loop1]\nrole_arn = arn:1\nsource_profile = loop2\n\
             [profile loop2]\nrole_arn = arn:2\nsource_profile = loop1\n\
             [profile mfa]\nrole_arn = arn:m\nsource_profile = c\nmfa_serial = arn:mfa\n\
             [profile dangling]\nrole_arn = arn:d\nsource_profile = nowhere\n\
             [profile regiononly]\nregion = us-east-2\n\
             [profile wi]\nrole_arn = arn:w\nweb_identity_token_file = /t\n\
             [profile sso]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n\
             [profile proc]\ncredential_process = /bin/creds\n",
            "",
        )
        .expect("valid");
        let a = plan(&set, "a").expect("a");
        assert_eq!(
            a.base,
            Base::Static {
                profile: "c".into()
            }
        );
        let order: Vec<&str> = a.roles.iter().map(|r| r.profile.as_str()).collect();
        assert_eq!(order, ["b", "a"]);
        let s = plan(&set, "self").expect("self");
        assert_eq!(
            s.base,
            Base::Static {
                profile: "self".into()
            }
        );
        assert_eq!(s.roles.len(), 1);
        assert_eq!(plan(&set, "env").expect("env").base, Base::Environment);
        assert_eq!(
            plan(&set, "wi").expect("wi").base,
            Base::WebIdentity {
                profile: "wi".into()
            }
        );
        assert_eq!(
            plan(&set, "sso").expect("sso").base,
            Base::Sso {
                profile: "sso".into()
            }
        );
        assert_eq!(
            plan(&set, "proc").expect("proc").base,
            Base::Process {
                profile: "proc".into()
            }
        );
        let cycle = plan(&set, "loop1").expect_err("cycle");
        assert!(
            cycle.message().contains("loop1 -> loop2 -> loop1"),
            "{cycle}"
        );
        assert!(
            plan(&set, "mfa")
                .expect_err("mfa")
                .message()
                .contains("MFA")
        );
        assert!(
            plan(&set, "dangling")
                .expect_err("dangling")
                .message()
                .contains("nowhere")
        );
        assert!(
            plan(&set, "regiononly")
                .expect_err("no creds")
                .is_not_loaded()
        );
    }
}
