package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/org"
)

// access says who may reach a route.
type access int

const (
	public    access = iota // anyone, signed in or not
	user                    // any signed-in user
	orgScoped               // a member of the organisation in {org} holding perm
)

type route struct {
	pattern string
	access  access
	perm    org.Permission // for orgScoped routes
	h       http.HandlerFunc
}

// routeTable lists every route of the application in one place. Tests walk
// this table to check authorisation and tenant isolation on each route.
func (s *Server) routeTable() []route {
	return []route{
		{"GET /healthz", public, "", s.healthz},
		{"GET /static/{file}", public, "", s.staticFile},
		{"POST /locale", public, "", s.setLocaleCookie},
		{"GET /setup", public, "", s.setupForm},
		{"POST /setup", public, "", s.setupSubmit},
		{"GET /signin", public, "", s.signInForm},
		{"POST /signin", public, "", s.signInSubmit},
		{"GET /signin/otp", public, "", s.otpForm},
		{"POST /signin/otp", public, "", s.otpSubmit},
		{"GET /signin/link/{token}", public, "", s.linkForm},
		{"POST /signin/link/{token}", public, "", s.linkSubmit},

		{"GET /{$}", user, "", s.home},
		{"POST /signout", user, "", s.signOut},
		{"POST /signout/all", user, "", s.signOutAll},
		{"GET /portfolio", user, "", s.portfolio},
		{"GET /account", user, "", s.account},
		{"POST /account/password", user, "", s.changePassword},
		{"POST /account/locale", user, "", s.setUserLocale},
		{"GET /account/notify", user, "", s.myNotify},
		{"POST /account/notify", user, "", s.myNotifySave},
		{"GET /account/totp", user, "", s.totpPage},
		{"POST /account/totp/begin", user, "", s.totpBegin},
		{"GET /account/totp/qr.png", user, "", s.totpQR},
		{"POST /account/totp/confirm", user, "", s.totpConfirm},
		{"POST /account/totp/disable", user, "", s.totpDisable},
		{"POST /account/recovery-codes", user, "", s.recoveryCodes},
		{"POST /account/tokens", user, "", s.createToken},
		{"POST /account/tokens/{id}/revoke", user, "", s.revokeToken},
		{"POST /invitations/{id}/accept", user, "", s.invitationAccept},
		{"POST /invitations/{id}/decline", user, "", s.invitationDecline},

		{"GET /o/{org}/{$}", orgScoped, org.ViewOwn, s.dashboard},
		{"GET /o/{org}/people", orgScoped, org.ViewProgramme, s.peopleList},
		{"GET /o/{org}/people/new", orgScoped, org.EditProgramme, s.personNew},
		{"POST /o/{org}/people", orgScoped, org.EditProgramme, s.personCreate},
		{"GET /o/{org}/people/{id}", orgScoped, org.ViewProgramme, s.personShow},
		{"GET /o/{org}/people/{id}/edit", orgScoped, org.EditProgramme, s.personEdit},
		{"POST /o/{org}/people/{id}", orgScoped, org.EditProgramme, s.personUpdate},
		{"GET /o/{org}/checklists", orgScoped, org.ViewProgramme, s.checklistList},
		{"POST /o/{org}/checklists/{id}/items", orgScoped, org.EditProgramme, s.checklistItemAdd},
		{"POST /o/{org}/checklist-items/{id}", orgScoped, org.EditProgramme, s.checklistItemMark},
		{"GET /o/{org}/inventory/where", orgScoped, org.ViewProgramme, s.whereIs},
		{"GET /o/{org}/services", orgScoped, org.ViewProgramme, recordList(s, serviceKind)},
		{"GET /o/{org}/services/new", orgScoped, org.EditProgramme, recordNew(s, serviceKind)},
		{"POST /o/{org}/services", orgScoped, org.EditProgramme, recordCreate(s, serviceKind)},
		{"GET /o/{org}/services/{id}", orgScoped, org.ViewProgramme, recordShow(s, serviceKind)},
		{"GET /o/{org}/services/{id}/edit", orgScoped, org.EditProgramme, recordEdit(s, serviceKind)},
		{"POST /o/{org}/services/{id}", orgScoped, org.EditProgramme, recordUpdate(s, serviceKind)},
		{"GET /o/{org}/accounts", orgScoped, org.ViewProgramme, recordList(s, accountKind)},
		{"GET /o/{org}/accounts/new", orgScoped, org.EditProgramme, recordNew(s, accountKind)},
		{"POST /o/{org}/accounts", orgScoped, org.EditProgramme, recordCreate(s, accountKind)},
		{"GET /o/{org}/accounts/{id}", orgScoped, org.ViewProgramme, recordShow(s, accountKind)},
		{"GET /o/{org}/accounts/{id}/edit", orgScoped, org.EditProgramme, recordEdit(s, accountKind)},
		{"POST /o/{org}/accounts/{id}", orgScoped, org.EditProgramme, recordUpdate(s, accountKind)},
		{"GET /o/{org}/devices", orgScoped, org.ViewProgramme, recordList(s, deviceKind)},
		{"GET /o/{org}/devices/new", orgScoped, org.EditProgramme, recordNew(s, deviceKind)},
		{"POST /o/{org}/devices", orgScoped, org.EditProgramme, recordCreate(s, deviceKind)},
		{"GET /o/{org}/devices/{id}", orgScoped, org.ViewProgramme, recordShow(s, deviceKind)},
		{"GET /o/{org}/devices/{id}/edit", orgScoped, org.EditProgramme, recordEdit(s, deviceKind)},
		{"POST /o/{org}/devices/{id}", orgScoped, org.EditProgramme, recordUpdate(s, deviceKind)},
		{"GET /o/{org}/assets", orgScoped, org.ViewProgramme, recordList(s, assetKind)},
		{"GET /o/{org}/assets/new", orgScoped, org.EditProgramme, recordNew(s, assetKind)},
		{"POST /o/{org}/assets", orgScoped, org.EditProgramme, recordCreate(s, assetKind)},
		{"GET /o/{org}/assets/{id}", orgScoped, org.ViewProgramme, recordShow(s, assetKind)},
		{"GET /o/{org}/assets/{id}/edit", orgScoped, org.EditProgramme, recordEdit(s, assetKind)},
		{"POST /o/{org}/assets/{id}", orgScoped, org.EditProgramme, recordUpdate(s, assetKind)},
		{"GET /o/{org}/shares", orgScoped, org.ViewProgramme, recordList(s, shareKind)},
		{"GET /o/{org}/shares/new", orgScoped, org.EditProgramme, recordNew(s, shareKind)},
		{"POST /o/{org}/shares", orgScoped, org.EditProgramme, recordCreate(s, shareKind)},
		{"GET /o/{org}/shares/{id}", orgScoped, org.ViewProgramme, recordShow(s, shareKind)},
		{"GET /o/{org}/shares/{id}/edit", orgScoped, org.EditProgramme, recordEdit(s, shareKind)},
		{"POST /o/{org}/shares/{id}", orgScoped, org.EditProgramme, recordUpdate(s, shareKind)},
		{"GET /o/{org}/audit", orgScoped, org.ViewAudit, s.auditList},
		{"GET /o/{org}/audit/export", orgScoped, org.ViewAudit, s.auditExport},
		{"GET /o/{org}/audit/anchor", orgScoped, org.ViewAudit, s.auditAnchor},
		{"GET /o/{org}/members", orgScoped, org.ManageMembers, s.membersList},
		{"POST /o/{org}/members", orgScoped, org.ManageMembers, s.memberInvite},
		{"POST /o/{org}/members/{id}/role", orgScoped, org.ManageMembers, s.memberRole},
		{"POST /o/{org}/members/{id}/remove", orgScoped, org.ManageMembers, s.memberRemove},
		{"POST /o/{org}/invitations/{id}/cancel", orgScoped, org.ManageMembers, s.invitationCancel},
		{"GET /o/{org}/settings", orgScoped, org.ManageSettings, s.settingsForm},
		{"POST /o/{org}/settings", orgScoped, org.ManageSettings, s.settingsSubmit},
		{"GET /o/{org}/settings/notify", orgScoped, org.ManageSettings, s.notifySettings},
		{"POST /o/{org}/settings/notify/{channel}", orgScoped, org.ManageSettings, s.notifySave},
		{"POST /o/{org}/settings/notify/{channel}/test", orgScoped, org.ManageSettings, s.notifyTest},
		{"GET /o/{org}/jobs", orgScoped, org.ViewJobs, s.jobsList},
		{"POST /o/{org}/jobs/{id}/retry", orgScoped, org.ViewJobs, s.jobRetry},
		{"GET /o/{org}/inventory", orgScoped, org.ViewProgramme, s.inventoryHub},
		{"GET /o/{org}/evaluation", orgScoped, org.ViewDashboard, s.evaluationStatus},
		{"GET /o/{org}/findings", orgScoped, org.ViewProgramme, s.findingsList},
		{"GET /o/{org}/findings/checks", orgScoped, org.ViewProgramme, s.checksCatalogue},
		{"POST /o/{org}/findings/evaluate", orgScoped, org.EditProgramme, s.findingsEvaluate},
		{"GET /o/{org}/findings/{id}", orgScoped, org.ViewProgramme, s.findingShow},
		{"POST /o/{org}/findings/{id}/accept", orgScoped, org.AcceptRisk, s.findingAccept},
		{"POST /o/{org}/findings/{id}/reopen", orgScoped, org.AcceptRisk, s.findingReopen},
		{"GET /o/{org}/import", orgScoped, org.EditProgramme, s.importForm},
		{"POST /o/{org}/import/preview", orgScoped, org.EditProgramme, s.importPreview},
		{"POST /o/{org}/import/apply", orgScoped, org.EditProgramme, s.importApply},
		{"GET /o/{org}/import/template/{kind}", orgScoped, org.EditProgramme, s.importTemplate},
		{"GET /o/{org}/people/export", orgScoped, org.ViewProgramme, s.exportKind(importer.People)},
		{"GET /o/{org}/services/export", orgScoped, org.ViewProgramme, s.exportKind(importer.Services)},
		{"GET /o/{org}/accounts/export", orgScoped, org.ViewProgramme, s.exportKind(importer.Accounts)},
		{"GET /o/{org}/devices/export", orgScoped, org.ViewProgramme, s.exportKind(importer.Devices)},
		{"GET /o/{org}/assets/export", orgScoped, org.ViewProgramme, s.exportKind(importer.Assets)},
		{"GET /o/{org}/shares/export", orgScoped, org.ViewProgramme, s.exportKind(importer.Shares)},
		{"GET /api/v1/orgs/{org}/findings", orgScoped, org.ViewProgramme, s.apiFindings},
		{"GET /api/v1/orgs/{org}/{kind}", orgScoped, org.ViewProgramme, s.apiInventory},
		{"POST /api/v1/orgs/{org}/import", orgScoped, org.EditProgramme, s.apiImport},
		{"GET /o/{org}/routines", orgScoped, org.ViewProgramme, s.routinesWeek},
		{"GET /o/{org}/routines/calendar", orgScoped, org.ViewProgramme, s.routinesCalendar},
		{"GET /o/{org}/routines/people", orgScoped, org.ViewProgramme, s.routinesPeople},
		{"GET /o/{org}/routines/all", orgScoped, org.ViewProgramme, s.routinesAll},
		{"POST /o/{org}/routines", orgScoped, org.EditProgramme, s.routineAdd},
		{"GET /o/{org}/routines/{id}", orgScoped, org.ViewProgramme, s.routineShow},
		{"POST /o/{org}/routines/{id}", orgScoped, org.EditProgramme, s.routineUpdate},
		{"POST /o/{org}/routines/feed", orgScoped, org.ViewProgramme, s.feedCreate},
		{"POST /o/{org}/routines/feed/revoke", orgScoped, org.ViewProgramme, s.feedRevoke},
		{"GET /o/{org}/occurrences/{id}", orgScoped, org.ViewProgramme, s.occurrenceShow},
		{"POST /o/{org}/occurrences/{id}/complete", orgScoped, org.EditProgramme, s.occurrenceComplete},
		{"GET /o/{org}/evidence/{id}", orgScoped, org.ViewProgramme, s.evidenceDownload},
		{"GET /api/v1/orgs/{org}/routines", orgScoped, org.ViewProgramme, s.apiRoutines},
		{"GET /api/v1/orgs/{org}/occurrences", orgScoped, org.ViewProgramme, s.apiOccurrences},
		{"POST /api/v1/orgs/{org}/occurrences/{id}/complete", orgScoped, org.EditProgramme, s.apiComplete},
		{"POST /api/v1/orgs/{org}/notify/test", orgScoped, org.ManageSettings, s.apiNotifyTest},
		{"GET /ical/{token}", public, "", s.icalFeed},

		// staff side: sign-in link, my page, near misses, telework (issue 11)
		{"POST /signin/link", public, "", s.linkRequest},
		{"GET /o/{org}/me", orgScoped, org.ViewOwn, s.me},
		{"POST /o/{org}/me/notes", orgScoped, org.ViewOwn, s.meNote},
		{"GET /o/{org}/me/telework", orgScoped, org.ViewOwn, s.teleworkForm},
		{"POST /o/{org}/me/telework", orgScoped, org.ViewOwn, s.teleworkSubmit},
		{"GET /o/{org}/near-misses/new", orgScoped, org.ViewOwn, s.nearMissNew},
		{"POST /o/{org}/near-misses", orgScoped, org.ViewOwn, s.nearMissFile},
		{"GET /o/{org}/near-misses", orgScoped, org.ViewProgramme, s.nearMissList},
		{"GET /o/{org}/near-misses/{id}", orgScoped, org.ViewProgramme, s.nearMissShow},
		{"POST /o/{org}/near-misses/{id}/triage", orgScoped, org.EditProgramme, s.nearMissTriage},
		{"POST /o/{org}/near-misses/link", orgScoped, org.EditProgramme, s.nearMissRotate},
		{"GET /o/{org}/near-misses/link/qr.png", orgScoped, org.ViewProgramme, s.nearMissQR},
		{"GET /o/{org}/staff-notes", orgScoped, org.ViewProgramme, s.staffNotes},
		{"GET /h/{token}", public, "", s.publicForm},
		{"POST /h/{token}", public, "", s.publicFile},
		{"GET /h/{token}/receipt", public, "", s.receiptForm},
		{"POST /h/{token}/receipt", public, "", s.receiptLookup},
		// risk analysis (issue 10 item 4)
		{"GET /o/{org}/risks", orgScoped, org.ViewProgramme, s.risksList},
		{"GET /o/{org}/risks/print", orgScoped, org.ViewProgramme, s.risksPrint},
		{"GET /o/{org}/risks/export", orgScoped, org.ViewProgramme, s.exportKind(importer.Risks)},
		{"GET /o/{org}/risks/new", orgScoped, org.EditProgramme, s.riskNew},
		{"POST /o/{org}/risks", orgScoped, org.EditProgramme, s.riskCreate},
		{"POST /o/{org}/risks/line", orgScoped, org.EditProgramme, s.riskLineSave},
		{"GET /o/{org}/risks/{id}/edit", orgScoped, org.EditProgramme, s.riskEdit},
		{"POST /o/{org}/risks/{id}", orgScoped, org.EditProgramme, s.riskUpdate},
		{"POST /o/{org}/risks/{id}/delete", orgScoped, org.EditProgramme, s.riskDelete},
		// three-minute lessons (issue 11 item 3)
		{"GET /lessons/pictures/{file}", public, "", s.lessonPicture},
		{"GET /o/{org}/learn", orgScoped, org.ViewOwn, s.learnList},
		{"GET /o/{org}/learn/{id}", orgScoped, org.ViewOwn, s.learnShow},
		{"POST /o/{org}/learn/{id}", orgScoped, org.ViewOwn, s.learnAnswer},
		{"GET /o/{org}/lessons", orgScoped, org.ViewProgramme, s.lessonsOverview},
		{"GET /o/{org}/lessons/export", orgScoped, org.ViewProgramme, s.lessonsExport},
		{"GET /o/{org}/lessons/new", orgScoped, org.EditProgramme, s.lessonNew},
		{"POST /o/{org}/lessons", orgScoped, org.EditProgramme, s.lessonSave},
		{"GET /o/{org}/lessons/{id}", orgScoped, org.ViewProgramme, s.lessonAdmin},
		{"GET /o/{org}/lessons/{id}/edit", orgScoped, org.EditProgramme, s.lessonEdit},
		{"POST /o/{org}/lessons/{id}", orgScoped, org.EditProgramme, s.lessonSave},
		{"POST /o/{org}/lessons/{id}/assign", orgScoped, org.EditProgramme, s.lessonAssign},
		// policy set, executive sign-off and acknowledgement (issue 10, part 3)
		{"GET /o/{org}/policy", orgScoped, org.ViewProgramme, s.policyHome},
		{"POST /o/{org}/policy/drafts", orgScoped, org.EditProgramme, s.policyDraft},
		{"GET /o/{org}/policy/version", orgScoped, org.ViewProgramme, s.policyVersion},
		{"GET /o/{org}/policy/edit", orgScoped, org.EditProgramme, s.policyEdit},
		{"POST /o/{org}/policy/edit", orgScoped, org.EditProgramme, s.policySave},
		{"POST /o/{org}/policy/publish", orgScoped, org.ApprovePolicy, s.policyPublish},
		{"POST /o/{org}/policy/unpublish", orgScoped, org.ApprovePolicy, s.policyUnpublish},
		{"GET /o/{org}/policy/acknowledgements", orgScoped, org.ViewProgramme, s.policyAcks},
		{"GET /o/{org}/policy/sheet", orgScoped, org.ViewProgramme, s.policySheet},
		{"GET /o/{org}/signoff", orgScoped, org.ViewProgramme, s.signoff},
		{"GET /o/{org}/signoff/sheet", orgScoped, org.ViewProgramme, s.signoffSheet},
		{"GET /o/{org}/signoff/evidence", orgScoped, org.ViewProgramme, s.signoffEvidence},
		{"POST /o/{org}/signoff/item", orgScoped, org.ApprovePolicy, s.signoffMark},
		{"POST /o/{org}/signoff/roles", orgScoped, org.EditProgramme, s.signoffRoles},
		{"POST /o/{org}/signoff/contacts", orgScoped, org.EditProgramme, s.signoffContacts},
		{"GET /o/{org}/rules", orgScoped, org.ViewOwn, s.rules},
		{"POST /o/{org}/rules/acknowledge", orgScoped, org.ViewOwn, s.rulesAcknowledge},
		{"GET /p/{org}/policy", public, "", s.publicPolicy},
		// mail guard (issue 14)
		{"GET /o/{org}/me/mail", orgScoped, org.ViewOwn, s.myMail},
		{"POST /o/{org}/me/mail/decide", orgScoped, org.ViewOwn, s.myMailDecide},
		{"POST /o/{org}/me/mail/app-password", orgScoped, org.ViewOwn, s.myAppPassword},
		{"GET /o/{org}/mailguard", orgScoped, org.ViewProgramme, s.mailLog},
		{"POST /o/{org}/mailguard/decide", orgScoped, org.EditProgramme, s.mailDecide},
		{"GET /o/{org}/mailguard/settings", orgScoped, org.ViewProgramme, s.mailSettings},
		{"POST /o/{org}/mailguard/settings", orgScoped, org.ManageSettings, s.mailSettingsSave},
		{"POST /o/{org}/mailguard/partners", orgScoped, org.EditProgramme, s.mailSettingsChange("partner")},
		{"POST /o/{org}/mailguard/partners/remove", orgScoped, org.EditProgramme, s.mailSettingsChange("partner-remove")},
		{"POST /o/{org}/mailguard/domains", orgScoped, org.EditProgramme, s.mailSettingsChange("domains")},
		{"POST /o/{org}/mailguard/app-passwords", orgScoped, org.EditProgramme, s.mailSettingsChange("app-password")},
		{"POST /o/{org}/mailguard/app-passwords/revoke", orgScoped, org.EditProgramme, s.mailSettingsChange("app-password-revoke")},
		{"GET /mail/files/{token}", public, "", s.mailFile},
		{"GET /metrics", public, "", s.metrics},
		// incidents and the APPI decision (issue 12)
		{"POST /api/v1/appi/decide", user, "", s.apiAPPIDecide},
		{"GET /o/{org}/incidents", orgScoped, org.ViewProgramme, s.incidentsList},
		{"GET /o/{org}/incidents/new", orgScoped, org.EditProgramme, s.incidentNew},
		{"POST /o/{org}/incidents", orgScoped, org.EditProgramme, s.incidentCreate},
		{"GET /o/{org}/incidents/report", orgScoped, org.ViewOwn, s.incidentReportForm},
		{"POST /o/{org}/incidents/report", orgScoped, org.ViewOwn, s.incidentReport},
		{"GET /o/{org}/incidents/flowchart", orgScoped, org.ViewProgramme, s.incidentFlowchart},
		{"POST /o/{org}/incidents/drills", orgScoped, org.EditProgramme, s.incidentDrillStart},
		{"GET /o/{org}/incidents/{id}", orgScoped, org.ViewProgramme, s.incidentShow},
		{"POST /o/{org}/incidents/{id}/triage", orgScoped, org.EditProgramme, s.incidentAppend(incident.Triaged)},
		{"POST /o/{org}/incidents/{id}/steps", orgScoped, org.EditProgramme, s.incidentAppend(incident.StepDone)},
		{"POST /o/{org}/incidents/{id}/steps/skip", orgScoped, org.EditProgramme, s.incidentAppend(incident.StepSkip)},
		{"POST /o/{org}/incidents/{id}/notes", orgScoped, org.EditProgramme, s.incidentAppend(incident.Note)},
		{"POST /o/{org}/incidents/{id}/corrections", orgScoped, org.EditProgramme, s.incidentAppend(incident.Correction)},
		{"POST /o/{org}/incidents/{id}/contained", orgScoped, org.EditProgramme, s.incidentAppend(incident.Contained)},
		{"POST /o/{org}/incidents/{id}/evidence", orgScoped, org.EditProgramme, s.incidentEvidenceUpload},
		{"GET /o/{org}/incidents/{id}/evidence/{seq}", orgScoped, org.ViewProgramme, s.incidentEvidenceDownload},
		{"POST /o/{org}/incidents/{id}/decision", orgScoped, org.EditProgramme, s.incidentDecide},
		{"GET /o/{org}/incidents/{id}/drafts/{draft}", orgScoped, org.ViewProgramme, s.incidentDraft},
		{"POST /o/{org}/incidents/{id}/drafts/{draft}", orgScoped, org.EditProgramme, s.incidentDraftSave},
		{"POST /o/{org}/incidents/{id}/close", orgScoped, org.EditProgramme, s.incidentClose},
		{"GET /o/{org}/incidents/{id}/export", orgScoped, org.ViewProgramme, s.incidentExport},
		{"POST /o/{org}/incidents/{id}/share", orgScoped, org.EditProgramme, s.incidentShare},
		{"POST /o/{org}/incidents/{id}/share/revoke", orgScoped, org.EditProgramme, s.incidentShareRevoke},
		{"GET /o/{org}/incident-playbooks/{type}", orgScoped, org.ViewProgramme, s.incidentPlaybook},
		{"POST /o/{org}/incident-playbooks/{type}", orgScoped, org.EditProgramme, s.incidentPlaybookSave},
		{"GET /shared/incidents/{token}", public, "", s.sharedIncident},
		// self-diagnosis, SECURITY ACTION readiness, cloud-service check (issue 10, helper A)
		{"GET /o/{org}/selfdiag", orgScoped, org.ViewProgramme, s.selfdiagHub},
		{"GET /o/{org}/selfdiag/new", orgScoped, org.EditProgramme, s.selfdiagNew},
		{"POST /o/{org}/selfdiag", orgScoped, org.EditProgramme, s.selfdiagCreate},
		{"POST /o/{org}/selfdiag/merge", orgScoped, org.EditProgramme, s.selfdiagMerge},
		{"GET /o/{org}/selfdiag/{id}", orgScoped, org.ViewProgramme, s.selfdiagShow},
		{"GET /o/{org}/security-action", orgScoped, org.ViewProgramme, s.securityAction},
		{"GET /o/{org}/services/{id}/cloud-check", orgScoped, org.ViewProgramme, s.cloudCheckShow},
		{"POST /o/{org}/services/{id}/cloud-check", orgScoped, org.EditProgramme, s.cloudCheckSave},
		{"GET /api/v1/orgs/{org}/selfdiag", orgScoped, org.ViewProgramme, s.apiSelfdiagLatest},
		{"POST /api/v1/orgs/{org}/selfdiag", orgScoped, org.EditProgramme, s.apiSelfdiagSubmit},
		// the risk register's JSON API (issue 10 follow-ups)
		{"GET /api/v1/orgs/{org}/risks", orgScoped, org.ViewProgramme, s.apiRisks},
		{"POST /api/v1/orgs/{org}/risks", orgScoped, org.EditProgramme, s.apiRisksSubmit},
		// where personal data lives: scans into the map (issue 13 part 2)
		{"GET /o/{org}/scans", orgScoped, org.ViewProgramme, s.scansList},
		{"POST /o/{org}/scans/folder", orgScoped, org.EditProgramme, s.scanFolder},
		{"POST /o/{org}/scans/upload", orgScoped, org.EditProgramme, s.scanUpload},
		{"POST /o/{org}/scans/schedules", orgScoped, org.EditProgramme, s.scanSchedule},
		{"POST /o/{org}/scans/schedules/delete", orgScoped, org.EditProgramme, s.scanUnschedule},
		{"GET /o/{org}/scans/{id}", orgScoped, org.ViewProgramme, s.scanRunShow},
		{"POST /o/{org}/scan-places/{id}/confirm", orgScoped, org.EditProgramme, s.placeAction("confirm")},
		{"POST /o/{org}/scan-places/{id}/merge", orgScoped, org.EditProgramme, s.placeAction("merge")},
		{"POST /o/{org}/scan-places/{id}/dismiss", orgScoped, org.EditProgramme, s.placeAction("dismiss")},
		// navigation hubs (helper UX): where we stand, the staff, the settings
		{"GET /o/{org}/posture", orgScoped, org.ViewProgramme, s.postureHub},
		{"GET /o/{org}/staff", orgScoped, org.ViewProgramme, s.staffHub},
		{"GET /o/{org}/admin", orgScoped, org.ManageMembers, s.adminHub},
		// mail guard follow-ups: one-time code for download links (issue 14, helper G2)
		{"POST /mail/files/{token}", public, "", s.mailFile},
		// incidents' follow-ups: the A4 report of a whole incident (issue 12, helper E2)
		{"GET /o/{org}/incidents/{id}/print", orgScoped, org.ViewProgramme, s.incidentPrint},
		// password zip for recipients who insist (issue 14 §5, helper M2)
		{"POST /o/{org}/mailguard/zip-domains", orgScoped, org.EditProgramme, s.mailSettingsChange("zip-domains")},
		// partners register: contract facts for the self-diagnosis (issue 10, helper M5)
		{"GET /o/{org}/partners", orgScoped, org.ViewProgramme, s.partnersList},
		{"POST /o/{org}/partners", orgScoped, org.EditProgramme, s.partnerAdd},
		{"GET /o/{org}/partners/{id}", orgScoped, org.EditProgramme, s.partnerEdit},
		{"POST /o/{org}/partners/{id}", orgScoped, org.EditProgramme, s.partnerSave},
		{"POST /o/{org}/partners/{id}/remove", orgScoped, org.EditProgramme, s.partnerRemove},
	}
}

// Handler returns the application with its middleware, in the one order
// that applies to every request: recover → log → security headers and CSP →
// cross-origin protection → size limit → session → locale; then, per route,
// authentication and organisation scope.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		var h http.Handler = rt.h
		if !strings.Contains(rt.pattern, " /api/") {
			// API tokens act on the JSON API and nowhere else.
			h = s.sessionOnly(h)
		}
		switch rt.access {
		case user:
			h = s.requireUser(h)
		case orgScoped:
			h = s.requireUser(s.orgScope(rt.perm, h))
		}
		mux.Handle(rt.pattern, h)
	}
	mux.HandleFunc("/", s.notFound)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	var h http.Handler = mux
	h = s.withLocale(h)
	h = s.withSession(h)
	h = s.limitBody(h)
	h = cop.Handler(h)
	h = s.securityHeaders(h)
	h = s.logRequests(h)
	h = s.withClient(h)
	h = s.recoverPanics(h)
	return h
}

// linkRoutes matches a page's own links against the route table, so that a
// page offers a reader only the links their role may follow.
type linkRoutes struct {
	mux   *http.ServeMux
	perms map[string]route // by pattern
}

func newLinkRoutes(routes []route) *linkRoutes {
	l := &linkRoutes{mux: http.NewServeMux(), perms: map[string]route{}}
	for _, rt := range routes {
		if strings.HasPrefix(rt.pattern, "GET ") {
			l.mux.Handle(rt.pattern, http.NotFoundHandler())
			l.perms[rt.pattern] = rt
		}
	}
	return l
}

// mayOpen reports whether a reader holding role may open link, a path on
// this site (its query is ignored): false for a path no GET route serves,
// and for an organisation route whose permission the role lacks. Links to
// another organisation are not judged here: the reader's role there is
// another role.
func (l *linkRoutes) mayOpen(role org.Role, link string) bool {
	u, err := url.Parse(link)
	if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
		return false
	}
	_, pattern := l.mux.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: u.Path}, Host: "mamori"})
	rt, ok := l.perms[pattern]
	if !ok {
		return false
	}
	return rt.access != orgScoped || role.Can(rt.perm)
}

// Routes lists the route patterns with their access, for tests.
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, r := range s.routes {
		out[i] = RouteInfo{Pattern: r.pattern, Public: r.access == public, OrgScoped: r.access == orgScoped, Perm: r.perm}
	}
	return out
}

// RouteInfo describes one route for tests and documentation.
type RouteInfo struct {
	Pattern   string
	Public    bool
	OrgScoped bool
	Perm      org.Permission
}
