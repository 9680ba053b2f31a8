-- mamori schema 30 (SQLite): the mail guard's follow-ups. personal_action
-- is what happens to personal data (of 1,000 people or fewer) sent
-- outside: 'confirm' holds it for the sender or approver, 'refuse' refuses
-- it at DATA; more than 1,000 people is always held.
ALTER TABLE mailguard_settings ADD COLUMN personal_action TEXT NOT NULL DEFAULT 'confirm';
