package findings

import (
	"strings"

	"github.com/mamori-sec/mamori/internal/inventory"
)

func assetChecks() []Check {
	return []Check{
		{
			ID:       "assets.cia_unrated",
			Severity: Low,
			Subject:  KindAsset,
			Title: Text{
				JA: "情報資産の機密性・完全性・可用性が評価されていません",
				EN: "An information asset's confidentiality, integrity and availability are not rated",
			},
			Explanation: Text{
				JA: "この情報資産の機密性、完全性、可用性のうち、評価されていないものがあります。評価がないと重要度が決まらず、どの情報から守るべきか、誰にアクセスを許すか、どこに保存してよいかを判断できません。",
				EN: "At least one of this asset's confidentiality, integrity and availability ratings is missing. Without them its importance cannot be set, and there is no basis for deciding what to protect first, who may access it, or where it may be kept.",
			},
			Remediation: Text{
				JA: "①IPAのリスク分析の基準に沿って、機密性・完全性・可用性をそれぞれ1〜3で評価します。漏えいや改ざん、使えなくなることで取引先や会社に大きな影響が出るなら3です。②mamori の情報資産に記録すると、重要度が自動で計算されます。",
				EN: "1. Rate confidentiality, integrity and availability from 1 to 3 following IPA's risk-analysis criteria: 3 when a leak, tampering or outage would seriously affect customers, partners or the company. 2. Record the ratings in mamori; the importance is calculated from them.",
			},
			SelfCheck: []int{4},
			Run:       runCIAUnrated,
		},
		{
			ID:       "assets.mynumber_on_pc",
			Severity: Medium,
			Subject:  KindAsset,
			Title: Text{
				JA: "マイナンバーを含む情報がパソコンに保存されています",
				EN: "My Number data is stored on a PC",
			},
			Explanation: Text{
				JA: "マイナンバー（特定個人情報）を含む情報資産が、会社のパソコンに保存されています。マイナンバーは、番号法とそのガイドラインにより、取り扱う担当者や区域を限ることが求められ、目的外の利用や漏えいには厳しい罰則があります。一般のパソコンに置くと、担当者以外の利用者や、パソコンの紛失やウイルス感染から漏えいするおそれがあります。",
				EN: "An asset containing My Number data is stored on a company PC. The My Number Act and its guidelines require limiting who handles such data and where, and misuse or leaks carry strict penalties; on an ordinary PC it is exposed to the machine's other users and to loss or infection of the PC.",
			},
			Remediation: Text{
				JA: "①マイナンバーを扱う担当者と機器を決め、それ以外のパソコンからは削除します。②担当者のパソコンに残す場合は、ディスクの暗号化と画面ロックを確かめ、ファイルにアクセス制限をかけます。③できれば、給与や労務のクラウドサービスなど、マイナンバーを管理する機能のあるサービスに移します。④mamori の情報資産の保存先を更新します。",
				EN: "1. Decide who handles My Number data and on which devices, and delete it from every other PC. 2. Where it must stay on a handler's PC, make sure the disk is encrypted, the screen locks, and access to the files is restricted. 3. If possible, move it into a payroll or HR cloud service with My Number management features. 4. Update the asset's storage locations in mamori.",
			},
			SelfCheck: []int{4, 12},
			Threats:   []int{4, 10},
			Run:       runMyNumberOnPC,
		},
		{
			ID:       "assets.no_location",
			Severity: Low,
			Subject:  KindAsset,
			Title: Text{
				JA: "保存先が分からない情報資産があります",
				EN: "An information asset has no recorded location",
			},
			Explanation: Text{
				JA: "この情報資産について、保存先（サービス、機器、紙の保管場所、媒体）が一つも記録されていません。どこにあるか分からない情報は、アクセス権の見直しやバックアップ、廃棄の対象から漏れ、事故が起きたときに影響の範囲を調べられません。",
				EN: "No location — service, device, paper storage or medium — is recorded for this information asset. Information nobody can locate is left out of access reviews, backups and disposal, and when something happens nobody can tell what was affected.",
			},
			Remediation: Text{
				JA: "①管理部署に、この情報をどこに保存しているか確認します。②mamori の情報資産に、保存しているサービスや機器、紙の保管場所を登録します。電子データと紙の両方にある場合は、IPAの台帳の考え方に沿って行を分けると管理しやすくなります。",
				EN: "1. Ask the owning department where the information is kept. 2. Add the services, devices or paper locations to the asset in mamori; if it exists both electronically and on paper, IPA's ledger suggests recording them as separate rows.",
			},
			SelfCheck: []int{4, 12},
			Run:       runNoLocation,
		},
		{
			ID:       "assets.no_owner",
			Severity: Medium,
			Subject:  KindAsset,
			Title: Text{
				JA: "管理部署（責任者）が決まっていない情報資産があります",
				EN: "An information asset has no owning department",
			},
			Explanation: Text{
				JA: "この情報資産を管理する部署や責任者が記録されていません。責任者のいない情報は、誰がアクセスしてよいか、いつ消すかを誰も決めないまま増え続け、漏えいしても気づく人がいません。",
				EN: "No department or person is recorded as responsible for this information asset. Information without an owner keeps growing with nobody deciding who may access it or when to delete it, and nobody notices when it leaks.",
			},
			Remediation: Text{
				JA: "①この情報を主に作成し、利用している部署を確認します。②管理部署と責任者を決め、mamori の情報資産の「管理部署」欄に記録します。小さな会社では個人の名前でも構いません。",
				EN: "1. Find out which department mainly creates and uses this information. 2. Appoint an owning department and a responsible person, and record them in the asset's owner field in mamori; in a small company a person's name is fine.",
			},
			SelfCheck: []int{4},
			Run:       runAssetNoOwner,
		},
		{
			ID:       "assets.no_retention",
			Severity: Low,
			Subject:  KindAsset,
			Title: Text{
				JA: "情報資産の保存期限が決まっていません",
				EN: "An information asset has no retention period",
			},
			Explanation: Text{
				JA: "この情報資産をいつまで保存するかが決められていません。期限がないと不要になった情報が残り続け、漏えいしたときの被害が必要以上に大きくなります。個人データについては、利用する必要がなくなったときは遅滞なく消去するよう努めることが個人情報保護法で求められています。",
				EN: "No retention period is set for this information asset. Without one, information that is no longer needed is never deleted, and a leak hurts more than it had to. For personal data, Japan's Act on the Protection of Personal Information asks businesses to make efforts to delete it without delay once it is no longer needed.",
			},
			Remediation: Text{
				JA: "①法律で保存期間が決まっている情報（帳簿、給与や労務の記録など）は、その期間を確認します。②それ以外は業務に必要な期間を決め、「2030-03-31」のような日付か「退職後7年」のようなルールで、mamori の情報資産の「保存期限」に記録します。③期限が来たら消去や廃棄をする担当を決めます。",
				EN: "1. For information whose retention is set by law (books of account, payroll and labour records), look up the period. 2. For the rest, decide how long the business needs it, and record it in the asset's retention field in mamori as a date such as 2030-03-31 or a rule such as \"7 years after leaving\". 3. Decide who deletes or destroys it when the period ends.",
			},
			SelfCheck: []int{4, 18},
			Run:       runNoRetention,
		},
		{
			ID:       "assets.personal_no_count",
			Severity: Low,
			Subject:  KindAsset,
			Title: Text{
				JA: "個人情報が何人分かが記録されていません",
				EN: "The number of people in a personal-data asset is not recorded",
			},
			Explanation: Text{
				JA: "個人情報を含む情報資産なのに、何人分の情報かが記録されていません。漏えいした場合、対象の人数（1000人を超えるかどうか）によって個人情報保護委員会への報告が必要かどうかが変わることがあり、速報はおおむね3〜5日以内に求められます。事故が起きてから数えていては間に合いません。",
				EN: "This asset contains personal data, but how many people it covers is not recorded. If it leaks, whether the Personal Information Protection Commission must be notified can depend on that number (more than 1,000 people is one of the triggers), and the first report is expected within about three to five days — too soon to start counting after the fact.",
			},
			Remediation: Text{
				JA: "①顧客数や従業員数などから、何人分の情報かを見積もります。おおよその人数で構いません。②mamori の情報資産の「対象人数」に記録し、大きく変わったら更新します。",
				EN: "1. Estimate how many people the data covers; a rough figure from the number of customers or employees is enough. 2. Record it in the asset's people-concerned field in mamori, and update it when it changes significantly.",
			},
			SelfCheck: []int{24},
			Run:       runPersonalNoCount,
		},
		{
			ID:       "assets.retention_passed",
			Severity: Low,
			Subject:  KindAsset,
			Title: Text{
				JA: "保存期限を過ぎた情報資産が残っています",
				EN: "An information asset is kept past its retention date",
			},
			Explanation: Text{
				JA: "この情報資産は、記録された保存期限を過ぎています。不要になった情報を持ち続けるほど、漏えいしたときの被害や、本人からの問い合わせに対応する負担が大きくなります。",
				EN: "This information asset has passed its recorded retention date. The longer unneeded information is kept, the bigger the damage when it leaks, and the more work it takes to answer the people it is about.",
			},
			Remediation: Text{
				JA: "①本当に不要になったか、管理部署に確認します。②不要であれば、電子データは復元できない方法で削除し、紙は裁断や溶解処理で廃棄して、その記録を残します。③保存を続ける理由があれば、新しい保存期限を記録します。",
				EN: "1. Confirm with the owning department that it is no longer needed. 2. If so, delete electronic data so that it cannot be recovered, shred or pulp paper, and keep a record of it. 3. If there is a reason to keep it, record a new retention date.",
			},
			SelfCheck: []int{18},
			Run:       runRetentionPassed,
		},
	}
}

func assetFinding(s *Snapshot, ai int) Finding {
	return Finding{Subject: Ref{KindAsset, s.Assets[ai].ID}}
}

func runCIAUnrated(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		if a := &s.Assets[ai]; a.Confidentiality <= 0 || a.Integrity <= 0 || a.Availability <= 0 {
			emit(assetFinding(s, ai))
		}
	}
}

func runMyNumberOnPC(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		a := &s.Assets[ai]
		if !a.MyNumber {
			continue
		}
		var ev []Ref
		for _, id := range a.DeviceIDs {
			di := s.ix.devices.get(id)
			if di < 0 {
				continue
			}
			// Personal devices are devices.level3_on_byod.
			if d := &s.Devices[di]; d.Kind == inventory.PC && d.Ownership != inventory.BYOD && !s.disposed(d) {
				ev = append(ev, deviceRef(s, di))
			}
		}
		if len(ev) > 0 {
			f := assetFinding(s, ai)
			f.Evidence = ev
			emit(f)
		}
	}
}

func runNoLocation(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		a := &s.Assets[ai]
		if strings.TrimSpace(a.Medium) == "" && len(a.ServiceIDs) == 0 && len(a.DeviceIDs) == 0 && len(a.PaperLocations) == 0 {
			emit(assetFinding(s, ai))
		}
	}
}

func runAssetNoOwner(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		if strings.TrimSpace(s.Assets[ai].OwnerDepartment) == "" {
			emit(assetFinding(s, ai))
		}
	}
}

func runNoRetention(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		if strings.TrimSpace(s.Assets[ai].RetentionUntil) == "" {
			emit(assetFinding(s, ai))
		}
	}
}

func runPersonalNoCount(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		if s.ix.asset[ai].personal && s.Assets[ai].PeopleConcerned <= 0 {
			emit(assetFinding(s, ai))
		}
	}
}

func runRetentionPassed(s *Snapshot, emit func(Finding)) {
	for ai := range s.Assets {
		// A rule such as 「退職後7年」 is not a date; only dates can pass.
		until := parseDay(strings.TrimSpace(s.Assets[ai].RetentionUntil))
		if until == noDay || until >= s.today() {
			continue
		}
		f := assetFinding(s, ai)
		f.Detail = Text{JA: "保存期限" + until.ja(), EN: "retention until " + until.en()}
		emit(f)
	}
}
