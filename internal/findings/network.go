package findings

import "github.com/mamori-sec/mamori/internal/inventory"

func networkChecks() []Check {
	return []Check{
		{
			ID:       "network.byod_internal",
			Severity: Medium,
			Subject:  KindDevice,
			Title: Text{
				JA: "私物の端末が社内のネットワークに接続されています",
				EN: "A personal device is connected to the office network",
			},
			Explanation: Text{
				JA: "従業員の私物の端末（BYOD）が、社内用のネットワークにつながっています。会社が更新やウイルス対策を管理できない端末が、ファイルサーバーや複合機と同じネットワークにあると、私物の端末が感染したときにそのまま社内に広がります。",
				EN: "An employee's own device (BYOD) is connected to the internal office network. A device whose updates and antivirus the company cannot manage, sitting next to the file server and printers, can spread its infection straight into the office.",
			},
			Remediation: Text{
				JA: "①私物の端末は来客用など社内と分けたWi-Fiにつなぐよう切り替え、社内用Wi-Fiのパスワードを変更します。②業務に必要なデータは、クラウドなどアクセス権を管理できる経路で使ってもらいます。③私物端末の利用ルールに、接続してよいネットワークを明記します。④mamori の機器の接続先を更新します。",
				EN: "1. Move personal devices to a Wi-Fi network kept apart from the office one (such as the guest network), and change the office Wi-Fi password. 2. Give access to work data through routes whose access you control, such as cloud services. 3. State in your BYOD rules which network personal devices may use. 4. Update the device's network in mamori.",
			},
			SelfCheck: []int{9, 21},
			Threats:   []int{6},
			Run:       runBYODInternal,
		},
		{
			ID:       "network.default_password",
			Severity: High,
			Subject:  KindDevice,
			Title: Text{
				JA: "ネットワーク機器の管理者パスワードが初期設定のままです",
				EN: "A network device still has its default administrator password",
			},
			Explanation: Text{
				JA: "ルーター、無線LANのアクセスポイント、NAS、複合機、防犯カメラ、IoT機器のいずれかで、管理者パスワードが初期設定のまま使われています。初期パスワードは機種ごとに公開されており、外部から管理画面に入られると、通信の盗み見や設定の書き換え、保存データの持ち出しに使われ、社内のネットワークへの足がかりにもされます。",
				EN: "A router, Wi-Fi access point, NAS, multifunction printer, camera or other connected device still uses its default administrator password. Default passwords are published for every model; an intruder on the management screen can listen in, change settings, take stored data, and use the device as a stepping stone into the office network.",
			},
			Remediation: Text{
				JA: "①機器の管理画面にサインインし、管理者パスワードを長く推測されにくいものに変更します（変更方法は説明書に載っています）。②管理画面をインターネット側から開けない設定になっているか確認します。③新しいパスワードは決まった場所に保管します。④mamori の機器の初期パスワード変更を「はい」に更新します。",
				EN: "1. Sign in to the device's management screen and change the administrator password to a long, hard-to-guess one (the manual explains how). 2. Make sure the management screen cannot be opened from the internet. 3. Keep the new password in one agreed place. 4. Set the device's default-password-changed to \"yes\" in mamori.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{3},
			Run:       runDefaultPassword,
		},
		{
			ID:       "network.default_password_unknown",
			Severity: Low,
			Subject:  KindDevice,
			Needs:    []string{"device.default_password_changed"},
			Title: Text{
				JA: "ネットワーク機器の初期パスワードを変えたかどうか分かりません",
				EN: "Whether a network device's default password was changed is unknown",
			},
			Explanation: Text{
				JA: "この機器の管理者パスワードを初期設定から変えたかどうかが記録されていません。初期パスワードのままの機器は、外部から最も簡単に乗っ取られる機器の一つです。",
				EN: "Whether this device's administrator password was changed from the default has not been recorded. Devices on default passwords are among the easiest to take over from outside.",
			},
			Remediation: Text{
				JA: "①説明書に載っている初期パスワードで、機器の管理画面にサインインできないか試します。②サインインできてしまったら、すぐにパスワードを変更します。③結果を mamori の機器に記録します。",
				EN: "1. Try signing in to the device's management screen with the default password from the manual. 2. If it works, change the password at once. 3. Record the result on the device in mamori.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{3},
			Run:       runDefaultPasswordUnknown,
		},
		{
			ID:       "network.firmware_outdated",
			Severity: Medium,
			Subject:  KindDevice,
			Title: Text{
				JA: "NAS・複合機・カメラなどのファームウェアが180日以上更新されていません",
				EN: "A NAS, printer, camera or other office device has not been updated for 180 days",
			},
			Explanation: Text{
				JA: "無線LANのアクセスポイント、NAS、複合機、防犯カメラ、IoT機器のいずれかで、ファームウェアの最後の更新から180日以上たっています。これらの機器は更新を忘れられがちで、放置された脆弱性を突かれて保存データを盗まれたり、社内への侵入やほかへの攻撃の踏み台にされたりします。",
				EN: "This Wi-Fi access point, NAS, multifunction printer, camera or other connected device has not had a firmware update for 180 days. Such devices are easily forgotten; unpatched flaws let attackers steal stored data, get into the office network, or use the device to attack others.",
			},
			Remediation: Text{
				JA: "①メーカーのサポートページで最新のファームウェアを確認し、管理画面から更新します（複合機は保守業者に依頼できます）。②自動更新の機能があれば有効にします。③サポートが終わって更新が出ない機種は、買い替えを計画します。④mamori の機器の最終更新日を記録します。",
				EN: "1. Check the manufacturer's support page for the latest firmware and update from the management screen (the maintenance company can do it for printers). 2. Turn on automatic updates if available. 3. Plan to replace models that no longer receive updates. 4. Record the update date on the device in mamori.",
			},
			FiveRules: []int{1},
			SelfCheck: []int{1},
			Threats:   []int{3, 8},
			Run:       runFirmwareOutdated,
		},
		{
			ID:       "network.guest_wifi_not_separated",
			Severity: High,
			Subject:  KindDevice,
			Title: Text{
				JA: "来客用のWi-Fiが社内のネットワークと分けられていません",
				EN: "Guest Wi-Fi is not separated from the office network",
			},
			Explanation: Text{
				JA: "来客用のWi-Fiが、社内のパソコンやファイルサーバー、複合機と同じネットワークにつながっています。お客様や取引先の端末がウイルスに感染していれば社内に広がり、悪意のある人は社内の共有フォルダや機器の管理画面にまで届きます。",
				EN: "The guest Wi-Fi is on the same network as the office PCs, file server and printers. A visitor's infected laptop can spread malware inside, and anyone with bad intentions can reach shared folders and device management screens.",
			},
			Remediation: Text{
				JA: "①ルーターや無線LANのアクセスポイントの管理画面で来客用のネットワーク（ゲストSSID）を作り、ネットワーク分離（プライバシーセパレーターなど）の機能を有効にします。②来客には社内用とは別のパスワードを伝え、定期的に変更します。③壁などに貼ってある社内用Wi-Fiのパスワードは外します。④mamori の機器の来客用Wi-Fiの分離を「はい」に更新します。",
				EN: "1. In the router's or access point's management screen, create a separate guest network (guest SSID) and turn on its isolation feature (often called a privacy separator or network isolation). 2. Give visitors a password different from the office one and change it regularly. 3. Take down any office Wi-Fi password posted on the wall. 4. Set the device's guest separation to \"yes\" in mamori.",
			},
			FiveRules: []int{4},
			SelfCheck: []int{9},
			Run:       runGuestWiFiNotSeparated,
		},
		{
			ID:       "network.vpn_default_password",
			Severity: Critical,
			Subject:  KindDevice,
			Title: Text{
				JA: "VPN機器・UTMの管理者パスワードが初期設定のままです",
				EN: "A VPN appliance or UTM still has its default administrator password",
			},
			Explanation: Text{
				JA: "VPN機器やUTMの管理者パスワードが、購入したときの初期設定から変更されていません。初期パスワードは説明書やインターネットで誰でも調べられるため、管理画面にたどり着いた攻撃者は、社内のネットワークへの入口と防御の設定をそのまま手に入れます。",
				EN: "The administrator password of this VPN appliance or UTM has never been changed from the factory default. Default passwords are in the manual and all over the internet, so an attacker who reaches the management screen takes over both the way into the office network and the settings meant to protect it.",
			},
			Remediation: Text{
				JA: "①管理画面にサインインし、管理者パスワードを長く推測されにくいもの（16文字以上など）に変更します。②管理画面をインターネット側から開けない設定になっているか確認します。③新しいパスワードはパスワード管理ツールなど決まった場所に保管し、保守業者と共有する場合はその方法を決めます。④mamori の機器の初期パスワード変更を「はい」に更新します。",
				EN: "1. Sign in to the management screen and change the administrator password to a long, hard-to-guess one (16 characters or more). 2. Check that the management screen cannot be opened from the internet side. 3. Keep the new password in one agreed place such as a password manager, and agree how it is shared with the maintenance company. 4. Set the device's default-password-changed to \"yes\" in mamori.",
			},
			FiveRules: []int{3},
			SelfCheck: []int{3},
			Threats:   []int{1, 3, 6},
			Run:       runVPNDefaultPassword,
		},
		{
			ID:       "network.vpn_outdated",
			Severity: Critical,
			Subject:  KindDevice,
			Title: Text{
				JA: "VPN機器・UTM・ルーターのファームウェアが30日以上更新されていません",
				EN: "A VPN appliance, UTM or router has not been updated for 30 days",
			},
			Explanation: Text{
				JA: "インターネットとの境目に置かれたVPN機器、UTM、ルーターのファームウェアが、30日以上更新されていません。これらの機器の脆弱性は公開された直後から世界中で狙われます。更新されていないVPN装置から侵入されて業務が止まり、取引先の工場まで操業を停止した事例もあり、VPN機器はランサム攻撃の侵入口として特に多く使われています。",
				EN: "A VPN appliance, UTM or router at the company's edge has not had a firmware update for 30 days. Vulnerabilities in these devices are attacked worldwide as soon as they are published. In one Japanese case, attackers came in through an unpatched VPN device, the supplier's work stopped, and so did its customer's factories; VPN devices are among the most common ways in for ransomware.",
			},
			Remediation: Text{
				JA: "①機器のメーカーのサポートページで、最新のファームウェアとセキュリティ情報を確認します。②業務への影響が少ない時間帯に、管理画面からファームウェアを更新します（保守業者に任せている場合はすぐに連絡します）。③自動更新の機能があれば有効にし、メーカーの脆弱性情報をメールで受け取れるようにします。④更新後、管理者パスワードと、不要になったVPNの利用者アカウントがないかを確認します。⑤mamori の機器の最終更新日を記録します。",
				EN: "1. Check the manufacturer's support page for the latest firmware and security advisories. 2. Update the firmware from the device's management screen at a quiet time (if a maintenance company looks after it, contact them now). 3. Turn on automatic updates where available, and subscribe to the manufacturer's security advisories. 4. After updating, check the administrator password and remove VPN user accounts that are no longer needed. 5. Record the update date on the device in mamori.",
			},
			FiveRules: []int{1},
			SelfCheck: []int{1},
			Threats:   []int{1, 3, 6},
			Run:       runVPNOutdated,
		},
		{
			ID:       "network.vpn_update_unknown",
			Severity: Low,
			Subject:  KindDevice,
			Needs:    []string{"device.last_updated"},
			Title: Text{
				JA: "VPN機器・UTM・ルーターの最終更新日が分かりません",
				EN: "When a VPN appliance, UTM or router was last updated is unknown",
			},
			Explanation: Text{
				JA: "インターネットとの境目に置かれたこの機器について、ファームウェアの最終更新日が記録されていません。これらの機器は更新の遅れが最も危険な機器の一つで、分からないままでは安全と判断できません。",
				EN: "The date of this edge device's last firmware update has not been recorded. Late updates are most dangerous on exactly these devices, so it cannot be judged safe while this is unknown.",
			},
			Remediation: Text{
				JA: "①機器の管理画面にサインインし、ファームウェアのバージョンと更新日を確認します（保守業者に任せている場合は問い合わせます）。②メーカーの最新版と比べ、古ければすぐに更新します。③確認した日付を mamori の機器の最終更新日に記録します。",
				EN: "1. Sign in to the device's management screen and check the firmware version and when it was updated (or ask the maintenance company). 2. Compare it with the manufacturer's latest version, and update at once if it is behind. 3. Record the date on the device in mamori.",
			},
			FiveRules: []int{1},
			SelfCheck: []int{1},
			Threats:   []int{3},
			Run:       runVPNUpdateUnknown,
		},
	}
}

// edge is equipment at the border with the internet.
func edge(k inventory.DeviceKind) bool {
	return k == inventory.VPN || k == inventory.UTM || k == inventory.Router
}

// officeEquipment is networked equipment inside the office that runs
// firmware of its own.
func officeEquipment(k inventory.DeviceKind) bool {
	switch k {
	case inventory.WiFiAP, inventory.NAS, inventory.MFP, inventory.Camera, inventory.IoT:
		return true
	}
	return false
}

func runBYODInternal(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Ownership == inventory.BYOD && d.Network == inventory.Internal {
			emit(deviceFinding(s, di))
		}
	})
}

func runDefaultPassword(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		// VPN appliances and UTMs are network.vpn_default_password.
		if (d.Kind == inventory.Router || officeEquipment(d.Kind)) && d.DefaultPasswordChanged == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runDefaultPasswordUnknown(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if (edge(d.Kind) || officeEquipment(d.Kind)) && d.DefaultPasswordChanged == inventory.Unknown {
			emit(deviceFinding(s, di))
		}
	})
}

func runFirmwareOutdated(s *Snapshot, emit func(Finding)) {
	outdated(s, emit, officeEquipment, 180)
}

func runGuestWiFiNotSeparated(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if (d.Kind == inventory.Router || d.Kind == inventory.WiFiAP) && d.GuestSeparated == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runVPNDefaultPassword(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if (d.Kind == inventory.VPN || d.Kind == inventory.UTM) && d.DefaultPasswordChanged == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runVPNOutdated(s *Snapshot, emit func(Finding)) {
	outdated(s, emit, edge, 30)
}

func runVPNUpdateUnknown(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if edge(d.Kind) && parseDay(d.LastUpdated) == noDay {
			emit(deviceFinding(s, di))
		}
	})
}
