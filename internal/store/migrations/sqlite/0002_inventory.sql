-- mamori schema 2 (SQLite): the inventory (services, accounts, devices,
-- information assets, shares) and the findings with their history.
ALTER TABLE people ADD COLUMN manager_email TEXT NOT NULL DEFAULT '';
CREATE INDEX people_org_email ON people(org_id, email);
CREATE INDEX audit_log_org_at ON audit_log(org_id, at);
-- The people list: current people by kana, and one department's.
CREATE INDEX people_org_leave ON people(org_id, leave_date, kana);
CREATE INDEX people_org_department ON people(org_id, department, leave_date, kana);

CREATE TABLE services (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES orgs(id),
    name             TEXT NOT NULL,
    catalogue_key    TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL DEFAULT 'cloud',
    admins           TEXT NOT NULL DEFAULT '',
    owner_department TEXT NOT NULL DEFAULT '',
    data_held        TEXT NOT NULL DEFAULT '',
    sso              INTEGER NOT NULL DEFAULT 0,
    mfa              TEXT NOT NULL DEFAULT 'available',
    data_country     TEXT NOT NULL DEFAULT '',
    internet_facing  INTEGER NOT NULL DEFAULT 1,
    cloud_check_done TEXT NOT NULL DEFAULT '',
    notes            TEXT NOT NULL DEFAULT '',
    updated_at       INTEGER NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    person_id  INTEGER NOT NULL DEFAULT 0,
    login_id   TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'personal',
    privilege  TEXT NOT NULL DEFAULT 'edit',
    mfa        TEXT NOT NULL DEFAULT 'unknown',
    status     TEXT NOT NULL DEFAULT 'active',
    created_on TEXT NOT NULL DEFAULT '',
    last_login TEXT NOT NULL DEFAULT '',
    ends_on    TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    UNIQUE (org_id, service_id, login_id)
);
CREATE INDEX accounts_org_person ON accounts(org_id, person_id);
-- The list pages of a large organisation read one page, never the whole
-- table: an index for the plain list in id order and for each filter the
-- list offers (also serving the order by that column), here and below.
CREATE INDEX accounts_org_id ON accounts(org_id, id);
CREATE INDEX accounts_org_service ON accounts(org_id, service_id, id);
CREATE INDEX accounts_org_kind ON accounts(org_id, kind, id);
CREATE INDEX accounts_org_privilege ON accounts(org_id, privilege, id);
CREATE INDEX accounts_org_mfa ON accounts(org_id, mfa, id);
CREATE INDEX accounts_org_status ON accounts(org_id, status, id);

CREATE TABLE devices (
    id                       INTEGER PRIMARY KEY,
    org_id                   INTEGER NOT NULL REFERENCES orgs(id),
    name                     TEXT NOT NULL,
    kind                     TEXT NOT NULL,
    person_id                INTEGER NOT NULL DEFAULT 0,
    ownership                TEXT NOT NULL DEFAULT 'company',
    disk_encryption          TEXT NOT NULL DEFAULT '',
    screen_lock              TEXT NOT NULL DEFAULT '',
    remote_wipe              TEXT NOT NULL DEFAULT '',
    antivirus                TEXT NOT NULL DEFAULT '',
    os_version               TEXT NOT NULL DEFAULT '',
    last_updated             TEXT NOT NULL DEFAULT '',
    default_password_changed TEXT NOT NULL DEFAULT '',
    network                  TEXT NOT NULL DEFAULT 'internal',
    guest_separated          TEXT NOT NULL DEFAULT '',
    disposed_on              TEXT NOT NULL DEFAULT '',
    erasure_done             TEXT NOT NULL DEFAULT '',
    erasure_certificate      TEXT NOT NULL DEFAULT '',
    updated_at               INTEGER NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX devices_org_id ON devices(org_id, id);
CREATE INDEX devices_org_kind ON devices(org_id, kind, id);
CREATE INDEX devices_org_ownership ON devices(org_id, ownership, id);

CREATE TABLE assets (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES orgs(id),
    business_area    TEXT NOT NULL DEFAULT '',
    name             TEXT NOT NULL,
    notes            TEXT NOT NULL DEFAULT '',
    user_scope       TEXT NOT NULL DEFAULT '',
    owner_department TEXT NOT NULL DEFAULT '',
    medium           TEXT NOT NULL DEFAULT '',
    personal_info    INTEGER NOT NULL DEFAULT 0,
    sensitive_info   INTEGER NOT NULL DEFAULT 0,
    my_number        INTEGER NOT NULL DEFAULT 0,
    confidentiality  INTEGER NOT NULL DEFAULT 0,
    integrity        INTEGER NOT NULL DEFAULT 0,
    availability     INTEGER NOT NULL DEFAULT 0,
    retention_until  TEXT NOT NULL DEFAULT '',
    registered_on    TEXT NOT NULL DEFAULT '',
    people_concerned INTEGER NOT NULL DEFAULT 0,
    data_level       INTEGER NOT NULL DEFAULT 0,
    updated_at       INTEGER NOT NULL,
    UNIQUE (org_id, name, medium)
);
CREATE INDEX assets_org_id ON assets(org_id, id);
CREATE INDEX assets_org_personal ON assets(org_id, personal_info, id);

-- Where an asset lives: a service, a device, or a paper location.
CREATE TABLE asset_places (
    org_id   INTEGER NOT NULL REFERENCES orgs(id),
    asset_id INTEGER NOT NULL REFERENCES assets(id),
    kind     TEXT NOT NULL,
    ref_id   INTEGER NOT NULL DEFAULT 0,
    label    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX asset_places_asset ON asset_places(org_id, asset_id);

CREATE TABLE shares (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    service_id    INTEGER NOT NULL REFERENCES services(id),
    path          TEXT NOT NULL,
    scope         TEXT NOT NULL,
    permission    TEXT NOT NULL DEFAULT 'view',
    expires_on    TEXT NOT NULL DEFAULT '',
    owner         TEXT NOT NULL DEFAULT '',
    asset_id      INTEGER NOT NULL DEFAULT 0,
    created_on    TEXT NOT NULL DEFAULT '',
    last_reviewed TEXT NOT NULL DEFAULT '',
    updated_at    INTEGER NOT NULL,
    UNIQUE (org_id, service_id, path, scope)
);
-- Shares are the largest table (a million in the large test tenant): the
-- filters and the date orders are indexed; the order by path or owner is
-- not, and sorts.
CREATE INDEX shares_org_id ON shares(org_id, id);
CREATE INDEX shares_org_service ON shares(org_id, service_id, id);
CREATE INDEX shares_org_scope ON shares(org_id, scope, id);
CREATE INDEX shares_org_permission ON shares(org_id, permission, id);
CREATE INDEX shares_org_asset ON shares(org_id, asset_id, id);
CREATE INDEX shares_org_expires ON shares(org_id, expires_on, id);
CREATE INDEX shares_org_reviewed ON shares(org_id, last_reviewed, id);

-- One row per check and subject record; its state changes, never its key.
CREATE TABLE findings (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    check_id       TEXT NOT NULL,
    subject_kind   TEXT NOT NULL,
    subject_id     INTEGER NOT NULL,
    severity       INTEGER NOT NULL,
    status         TEXT NOT NULL,
    evidence       TEXT NOT NULL DEFAULT '',
    detail_ja      TEXT NOT NULL DEFAULT '',
    detail_en      TEXT NOT NULL DEFAULT '',
    first_seen_at  INTEGER NOT NULL,
    last_seen_at   INTEGER NOT NULL,
    resolved_at    INTEGER NOT NULL DEFAULT 0,
    resolved_by    INTEGER NOT NULL DEFAULT 0,
    accepted_by    TEXT NOT NULL DEFAULT '',
    accepted_reason TEXT NOT NULL DEFAULT '',
    accepted_until TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, check_id, subject_kind, subject_id)
);
-- The findings list, most severe first: of one status, or of all that
-- are not resolved.
CREATE INDEX findings_org_status ON findings(org_id, status, severity DESC, check_id, subject_id);
CREATE INDEX findings_org_order ON findings(org_id, severity DESC, check_id, subject_id);

-- The posture score per organisation and day, for the trend.
CREATE TABLE posture_history (
    org_id   INTEGER NOT NULL REFERENCES orgs(id),
    day      TEXT NOT NULL,
    score    INTEGER NOT NULL,
    critical INTEGER NOT NULL,
    high     INTEGER NOT NULL,
    medium   INTEGER NOT NULL,
    low      INTEGER NOT NULL,
    PRIMARY KEY (org_id, day)
);

-- Personal API tokens for scripts (advisors importing for many companies).
-- Only the hash of a token is stored; it acts with its user's roles.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
