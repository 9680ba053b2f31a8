package findings

import (
	"fmt"
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

func serviceChecks() []Check {
	return []Check{
		{
			ID:       "services.cloud_check_personal",
			Severity: Medium,
			Subject:  KindService,
			Title: Text{
				JA: "個人情報を扱うクラウドサービスの安全確認が済んでいません",
				EN: "A cloud service holding personal information has not been checked for safety",
			},
			Explanation: Text{
				JA: "個人情報を含む情報資産がこのクラウドサービスに保存されているのに、IPAのクラウドサービス安全利用チェック（15項目）が済んでいません。提供元の信頼性、障害時の対応、解約時のデータの扱い、保存先の国などを確かめないまま使っていると、事故が起きたときに自社の責任を果たせず、取引先への説明もできません。",
				EN: "Information assets with personal data are kept in this cloud service, but IPA's 15-item cloud service safety check has not been done. Using it without checking the provider's reliability, what happens in an outage, what happens to the data when the contract ends and where it is stored leaves the company unable to meet its responsibilities — or explain itself to business partners — when something goes wrong.",
			},
			Remediation: Text{
				JA: "①mamori のクラウドサービス安全利用チェックを開き、このサービスについて15項目に答えます。②提供元の公開資料で分からない項目は、提供元に問い合わせます。③完了したら、チェックの完了日を記録します。",
				EN: "1. Open mamori's cloud service safety check and answer the 15 items for this service. 2. Ask the provider about anything its published documents do not answer. 3. Record the date the check was completed.",
			},
			SelfCheck: []int{23},
			Threats:   []int{2},
			Run:       runCloudCheckPersonal,
		},
		{
			ID:       "services.cloud_check_stale",
			Severity: Low,
			Subject:  KindService,
			Title: Text{
				JA: "クラウドサービスの安全確認から1年以上たっています",
				EN: "A cloud service's safety check is more than a year old",
			},
			Explanation: Text{
				JA: "このクラウドサービスの安全利用チェックを最後に行ってから、1年以上たっています。提供元の規約や機能、データの保存先、そして自社での使い方は変わっていくため、一度確認しただけでは現状と合わなくなります。",
				EN: "The last safety check of this cloud service was more than a year ago. The provider's terms, features and storage locations change, and so does how the company uses the service, so a one-off check drifts away from reality.",
			},
			Remediation: Text{
				JA: "①mamori のクラウドサービス安全利用チェックを開き、前回の回答を見直して、変わった点を更新します。②規約や保存先に変更があれば、社内のルールや関係する情報資産の記録も更新します。③完了日を記録し、毎年の定例作業に加えます。",
				EN: "1. Open mamori's cloud service safety check, review last time's answers and update what has changed. 2. If the terms or the storage location changed, update the internal rules and the related asset records too. 3. Record the completion date and make the review a yearly routine.",
			},
			SelfCheck: []int{23},
			Run:       runCloudCheckStale,
		},
		{
			ID:       "services.country_unknown_personal",
			Severity: Low,
			Subject:  KindService,
			Needs:    []string{"service.data_country"},
			Title: Text{
				JA: "個人情報を扱うサービスのデータ保存先の国が分かりません",
				EN: "The storage country of a service holding personal information is unknown",
			},
			Explanation: Text{
				JA: "個人情報を含む情報資産を扱うクラウドサービスについて、データがどの国に保存されているかが記録されていません。外国に保存されている場合は個人情報保護法に基づく確認や公表が必要になるため、分からないままにはできません。",
				EN: "For a cloud service holding personal data, the country where its data is stored has not been recorded. If it is abroad, Japan's Act on the Protection of Personal Information (APPI) requires checks and disclosures, so this cannot stay unknown.",
			},
			Remediation: Text{
				JA: "①サービスの利用規約、セキュリティに関する資料、管理画面のデータリージョンの設定で保存先を確認します。②確認した国を、mamori のサービスの「データ保存国」に記録します。③どこにも書かれていなければ、提供元の窓口に問い合わせます。",
				EN: "1. Find the storage location in the terms of service, the provider's security documents or the data-region setting in the admin console. 2. Record the country in the service's data-country field in mamori. 3. If it is not stated anywhere, ask the provider.",
			},
			SelfCheck: []int{23},
			Run:       runCountryUnknownPersonal,
		},
		{
			ID:       "services.data_abroad_personal",
			Severity: Medium,
			Subject:  KindService,
			Title: Text{
				JA: "個人情報を外国に保存しているサービスがあります",
				EN: "A service stores personal information abroad",
			},
			Explanation: Text{
				JA: "このサービスは個人情報を含む情報資産を扱っており、データの保存先が日本以外の国です。個人情報保護法では、外国で個人データを取り扱う場合、その国の個人情報の保護に関する制度を把握したうえで安全管理措置を講じることが求められ、外国にある第三者に提供する場合は、原則として、その国の制度などを本人に伝えたうえで同意を得る必要があります。保存先の国の法律によっては、現地の当局からデータの開示を求められることもあります。",
				EN: "This service holds information assets with personal data and stores them outside Japan. Under Japan's Act on the Protection of Personal Information (APPI), handling personal data in a foreign country requires knowing that country's data-protection regime and taking safety measures accordingly, and providing it to a third party abroad in principle requires the consent of the people concerned, given after they have been told about that country's regime. The local law may also let authorities there demand access to the data.",
			},
			Remediation: Text{
				JA: "①利用規約やデータ処理に関する契約で、保存先の国と、提供元がデータの中身を取り扱うかどうかを確認します。②個人情報保護委員会が公表している外国の制度の調査結果でその国の制度を確認し、記録を残します。③プライバシーポリシーに、外国で個人データを取り扱うことと国名を記載します。④日本のリージョンを選べるサービスであれば、保存先を日本に変更します。",
				EN: "1. In the terms of service or the data processing agreement, check the country of storage and whether the provider itself handles the content. 2. Look up that country's regime in the survey published by the Personal Information Protection Commission, and keep a record. 3. State in your privacy policy that personal data is handled abroad, naming the country. 4. Where the service offers a Japan region, move the data there.",
			},
			SelfCheck: []int{23},
			Run:       runDataAbroadPersonal,
		},
		{
			ID:       "services.mfa_none_personal",
			Severity: High,
			Subject:  KindService,
			Title: Text{
				JA: "個人情報を扱うサービスに多要素認証の仕組みがありません",
				EN: "A service holding personal information offers no multi-factor authentication",
			},
			Explanation: Text{
				JA: "個人情報を含む情報資産が保存されているのに、このサービスには多要素認証の機能がありません。パスワードが一つ漏れるだけで、顧客や従業員の個人情報を引き出されます。漏えいすれば、個人情報保護委員会への報告や本人への通知が必要になる場合があります。",
				EN: "Information assets with personal data are kept in this service, yet it offers no multi-factor authentication. One leaked password is enough to pull out customers' or employees' personal data, and a leak may have to be reported to the Personal Information Protection Commission and to the people concerned.",
			},
			Remediation: Text{
				JA: "①提供元に、多要素認証やシングルサインオン（SSO）に対応した機能や上位のプランがあるか確認します。②対応していれば有効にして全員に必須とし、mamori のサービスの多要素認証を更新します。③対応していなければ、接続元のIPアドレスの制限などの代わりの対策を設定するか、多要素認証に対応したサービスへの移行を計画します。",
				EN: "1. Ask the provider whether multi-factor authentication or single sign-on (SSO) is available, perhaps on a higher plan. 2. If so, turn it on, make it mandatory for everyone, and update the service's multi-factor authentication in mamori. 3. If not, add a compensating control such as restricting sign-in to the office's IP addresses, or plan a move to a service that supports multi-factor authentication.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3, 23},
			Run:       runMFANonePersonal,
		},
		{
			ID:       "services.mfa_not_enforced",
			Severity: Medium,
			Subject:  KindService,
			Title: Text{
				JA: "多要素認証が全員に必須になっていません",
				EN: "Multi-factor authentication is not enforced for everyone",
			},
			Explanation: Text{
				JA: "このサービスには多要素認証の機能があるのに利用者任せになっていて、設定していないアカウントが残っています。その中の誰か一人のパスワードが漏れれば、そこから社内の情報に入られます。管理画面で必須にすれば、全員を一度に守れます。",
				EN: "The service offers multi-factor authentication but leaves it to each user, and some accounts have not set it up. A leaked password from any one of them is a way in; making it mandatory in the admin console protects everyone at once.",
			},
			Remediation: Text{
				JA: "①根拠に並ぶ未設定の人に、期限を決めて登録を依頼します。②期限の日に、管理画面で多要素認証を必須にします（Google 管理コンソールは［セキュリティ］＞［認証］＞［2段階認証プロセス］で適用を設定、Microsoft 365 はセキュリティの既定値群または条件付きアクセス）。③必須にしたら、mamori のサービスの多要素認証を「必須」に更新します。",
				EN: "1. Ask the people listed as evidence to register by a set date. 2. On that date, make multi-factor authentication mandatory in the admin console (Google Admin console: Security > Authentication > 2-Step Verification, Enforcement; Microsoft 365: security defaults or Conditional Access). 3. Then set the service's multi-factor authentication to \"enforced\" in mamori.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{9},
			Run:       runMFANotEnforced,
		},
		{
			ID:       "services.no_admin",
			Severity: Medium,
			Subject:  KindService,
			Title: Text{
				JA: "管理担当者が決まっていないサービスがあります",
				EN: "A service has no administrator on record",
			},
			Explanation: Text{
				JA: "このサービスの管理担当者が記録されておらず、管理者権限を持つアカウントも登録されていません。誰が設定や利用者を管理しているのか分からないと、退職者のアカウントの停止や共有設定の見直しが行われず、障害や事故のときに対応する人もいません。",
				EN: "No administrator is recorded for this service, and no account with administrator rights is on record. If nobody knows who manages its settings and users, leavers are not removed, sharing is never reviewed, and nobody responds when something goes wrong.",
			},
			Remediation: Text{
				JA: "①このサービスの管理者権限を持っている人を確認します（分からなければ、申し込んだ人や請求先からたどります）。②管理担当者と代理を決め、mamori のサービスの「管理者」欄に記録します。③管理者のアカウントを台帳に取り込みます。",
				EN: "1. Find out who holds administrator rights in this service (if nobody knows, start from whoever signed up or pays the bill). 2. Appoint an administrator and a deputy, and record them in the service's administrators field in mamori. 3. Import the administrators' accounts into the inventory.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{23},
			Run:       runNoAdmin,
		},
		{
			ID:       "services.no_mfa_internet",
			Severity: Medium,
			Subject:  KindService,
			Title: Text{
				JA: "インターネットから使えるサービスに多要素認証の仕組みがありません",
				EN: "An internet-facing service offers no multi-factor authentication",
			},
			Explanation: Text{
				JA: "社外からサインインできるサービスなのに、多要素認証の機能がありません。利用者のパスワードが漏れたり推測されたりすると、そのまま第三者にサインインされます。",
				EN: "The service can be reached from the internet but offers no multi-factor authentication, so a leaked or guessed password is all anyone needs to sign in.",
			},
			Remediation: Text{
				JA: "①提供元に、多要素認証やシングルサインオン（SSO）に対応したプランがあるか確認し、あれば有効にします。②なければ、接続元の制限や、長く使い回さないパスワードの徹底などの代わりの対策を決めます。③重要な情報を扱うようになる前に、対応したサービスへの移行を検討します。",
				EN: "1. Ask the provider whether a plan with multi-factor authentication or single sign-on (SSO) exists, and turn it on if so. 2. If not, set compensating controls such as limiting where sign-in is allowed and insisting on long, unique passwords. 3. Before important information goes into it, consider moving to a service that supports multi-factor authentication.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3, 23},
			Run:       runNoMFAInternet,
		},
		{
			ID:       "services.no_owner_department",
			Severity: Low,
			Subject:  KindService,
			Title: Text{
				JA: "サービスの主管部署が決まっていません",
				EN: "A service has no owning department",
			},
			Explanation: Text{
				JA: "このサービスについて、どの部署が責任を持って使っているかが記録されていません。主管部署が決まっていないと、利用目的や扱ってよい情報の範囲、契約の更新や解約を判断する人がいなくなり、不要になったサービスにデータが残り続けます。",
				EN: "No department is recorded as responsible for this service. Without one, nobody decides what it is for, which information may go into it, or whether to renew or cancel it, and data stays behind in services nobody needs any more.",
			},
			Remediation: Text{
				JA: "①このサービスを主に使っている部署と責任者を確認します。②mamori のサービスの「主管部署」欄に記録します。③使っている部署がなければ、データを取り出したうえで解約を検討します。",
				EN: "1. Find out which department mainly uses this service and who is responsible. 2. Record it in the service's owning-department field in mamori. 3. If no department uses it, export the data and consider cancelling it.",
			},
			SelfCheck: []int{23},
			Run:       runNoOwnerDepartment,
		},
		{
			ID:       "services.too_many_admins",
			Severity: Medium,
			Subject:  KindService,
			Title: Text{
				JA: "管理者権限を持つ人が多すぎます",
				EN: "Too many people hold administrator rights",
			},
			Explanation: Text{
				JA: "このサービスで管理者権限を持つ有効なアカウントが4つ以上あるか、2つ以上でアカウント全体の4分の1を超えています。管理者が多いほど、その中の一人のパスワードの漏えいや操作の誤りでサービス全体が危険にさらされ、誰が設定を変えたのかも追いにくくなります。",
				EN: "This service has four or more active administrator accounts, or two or more that make up over a quarter of its accounts. Every extra administrator is one more password whose leak — or one more person whose mistake — puts the whole service at risk, and it becomes hard to tell who changed what.",
			},
			Remediation: Text{
				JA: "①根拠に並ぶ管理者ごとに、管理者権限が必要な理由を確認します。②それ以外の人は日常の業務に必要な権限（編集、閲覧、範囲を限った管理者ロール）に下げ、管理者は原則として2〜3人にします。③残す管理者には多要素認証を必須にします。",
				EN: "1. For each administrator listed as evidence, confirm why they need the rights. 2. Lower everyone else to what their daily work needs (edit, view, or a limited admin role); two or three administrators are usually enough. 3. Require multi-factor authentication for those who remain.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{4},
			Threats:   []int{4},
			Run:       runTooManyAdmins,
		},
	}
}

func serviceFinding(s *Snapshot, si int) Finding {
	return Finding{Subject: Ref{KindService, s.Services[si].ID}}
}

// personalAssets is the evidence that a service holds personal data.
func personalAssets(s *Snapshot, si int) []Ref {
	var ev []Ref
	for _, ai := range s.ix.assetsByService.of(int32(si)) {
		if s.ix.asset[ai].personal {
			ev = append(ev, assetRef(s, ai))
		}
	}
	return ev
}

// mfaByIdP reports whether sign-in goes through single sign-on, where the
// identity provider's second factor applies.
func mfaByIdP(sv *inventory.Service) bool { return sv.SSO }

func runCloudCheckPersonal(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		if sv.Category == inventory.Cloud && s.ix.svcPersonal[si] && sv.CloudCheckDone == "" {
			f := serviceFinding(s, si)
			f.Evidence = personalAssets(s, si)
			emit(f)
		}
	}
}

func runCloudCheckStale(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		done := parseDay(sv.CloudCheckDone)
		if sv.Category != inventory.Cloud || done == noDay || s.today()-done <= 365 {
			continue
		}
		f := serviceFinding(s, si)
		f.Detail = since("安全確認", "the safety check", done, s.today())
		emit(f)
	}
}

func runCountryUnknownPersonal(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		if sv.Category == inventory.Cloud && s.ix.svcPersonal[si] && strings.TrimSpace(sv.DataCountry) == "" {
			f := serviceFinding(s, si)
			f.Evidence = personalAssets(s, si)
			emit(f)
		}
	}
}

func runDataAbroadPersonal(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		c := strings.TrimSpace(s.Services[si].DataCountry)
		if !s.ix.svcPersonal[si] || c == "" || strings.EqualFold(c, "JP") {
			continue
		}
		f := serviceFinding(s, si)
		f.Evidence = personalAssets(s, si)
		f.Detail = Text{JA: "保存先の国：" + strings.ToUpper(c), EN: "stored in: " + strings.ToUpper(c)}
		emit(f)
	}
}

func runMFANonePersonal(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		if sv.MFA == inventory.MFANone && !mfaByIdP(sv) && s.ix.svcPersonal[si] {
			f := serviceFinding(s, si)
			f.Evidence = personalAssets(s, si)
			emit(f)
		}
	}
}

func runMFANotEnforced(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		if sv.MFA != inventory.MFAAvailable || mfaByIdP(sv) {
			continue
		}
		var ev []Ref
		for _, ai := range s.ix.accByService.of(int32(si)) {
			if s.ix.acc[ai].active && s.Accounts[ai].MFA == inventory.MFAOff && s.Accounts[ai].Kind != inventory.ServiceAcc {
				ev = append(ev, accountRef(s, ai))
			}
		}
		if len(ev) == 0 {
			continue
		}
		f := serviceFinding(s, si)
		f.Evidence = ev
		f.Detail = Text{
			JA: fmt.Sprintf("多要素認証が未設定のアカウント%d件", len(ev)),
			EN: fmt.Sprintf("%d accounts without multi-factor authentication", len(ev)),
		}
		emit(f)
	}
}

func runNoAdmin(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		if strings.TrimSpace(s.Services[si].Admins) != "" {
			continue
		}
		found := false
		for _, ai := range s.ix.accByService.of(int32(si)) {
			if a := &s.ix.acc[ai]; a.active && a.admin {
				found = true
				break
			}
		}
		if !found {
			emit(serviceFinding(s, si))
		}
	}
}

func runNoMFAInternet(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		sv := &s.Services[si]
		// With personal data it is services.mfa_none_personal, graver.
		if sv.MFA == inventory.MFANone && sv.InternetFacing && !mfaByIdP(sv) && !s.ix.svcPersonal[si] {
			emit(serviceFinding(s, si))
		}
	}
}

func runNoOwnerDepartment(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		if strings.TrimSpace(s.Services[si].OwnerDepartment) == "" {
			emit(serviceFinding(s, si))
		}
	}
}

func runTooManyAdmins(s *Snapshot, emit func(Finding)) {
	for si := range s.Services {
		var ev []Ref
		active := 0
		for _, ai := range s.ix.accByService.of(int32(si)) {
			a := &s.ix.acc[ai]
			if !a.active {
				continue
			}
			active++
			if a.admin {
				ev = append(ev, accountRef(s, ai))
			}
		}
		admins := len(ev)
		if admins <= 3 && (admins < 2 || admins*4 <= active) {
			continue
		}
		f := serviceFinding(s, si)
		f.Evidence = ev
		f.Detail = Text{
			JA: fmt.Sprintf("管理者%d人（有効なアカウント%d件中）", admins, active),
			EN: fmt.Sprintf("%d administrators among %d active accounts", admins, active),
		}
		emit(f)
	}
}
