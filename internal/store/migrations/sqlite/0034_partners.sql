-- mamori schema 34 (SQLite): the partners register (取引先・委託先). The mail
-- guard's partner table becomes the one register of partners and
-- contractors: besides the name and domains the look-alike rule reads, it
-- says whether the company entrusts the partner with important information,
-- whether the contract holds confidentiality terms (terms: '' not checked,
-- 'yes', 'no'), the day those terms were agreed and the day the contract
-- ends (YYYY-MM-DD, '' when not known), and a note. The self-diagnosis
-- reads it for question 22.
ALTER TABLE mailguard_partners ADD COLUMN entrusted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailguard_partners ADD COLUMN terms TEXT NOT NULL DEFAULT '';
ALTER TABLE mailguard_partners ADD COLUMN agreed_on TEXT NOT NULL DEFAULT '';
ALTER TABLE mailguard_partners ADD COLUMN ends_on TEXT NOT NULL DEFAULT '';
ALTER TABLE mailguard_partners ADD COLUMN note TEXT NOT NULL DEFAULT '';
