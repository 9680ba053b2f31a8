package findings

import "github.com/mamori-sec/mamori/internal/inventory"

func deviceChecks() []Check {
	return []Check{
		{
			ID:       "devices.byod_no_screen_lock",
			Severity: High,
			Subject:  KindDevice,
			Title: Text{
				JA: "業務に使う私物端末に画面ロックがありません",
				EN: "A personal device used for work has no screen lock",
			},
			Explanation: Text{
				JA: "業務に使っている私物の端末（BYOD）に、画面ロックが設定されていません。私物の端末は会社の管理が届きにくく、家族が触ったり紛失したりしたときに、業務のメールやファイルがそのまま見られてしまいます。",
				EN: "A personally owned device used for work (BYOD) has no screen lock. The company has little control over personal devices; when family members pick it up or it is lost, work mail and files are open to whoever has it.",
			},
			Remediation: Text{
				JA: "①持ち主に、パスコードや生体認証による画面ロックを設定してもらいます。②私物端末の利用ルールに画面ロックを必須の条件として書き、守れない端末では業務のデータを扱わないようにします。③Google Workspace や Microsoft 365 のモバイル管理で、画面ロックのない端末からのアクセスを拒否する設定も検討します。④mamori の機器の画面ロックを「はい」に更新します。",
				EN: "1. Ask the owner to set a passcode or biometric screen lock. 2. Make a screen lock a condition in your BYOD rules, and keep work data off devices that do not meet it. 3. Consider blocking devices without a screen lock through Google Workspace or Microsoft 365 mobile management. 4. Set the device's screen lock to \"yes\" in mamori.",
			},
			SelfCheck: []int{14, 21},
			Threats:   []int{6, 10},
			Run:       runBYODNoScreenLock,
		},
		{
			ID:       "devices.disposed_no_erasure",
			Severity: High,
			Subject:  KindDevice,
			Title: Text{
				JA: "廃棄した機器のデータ消去の記録がありません",
				EN: "A disposed device has no record of data erasure",
			},
			Explanation: Text{
				JA: "廃棄に出した機器について、データを消去したことを示す記録（消去の実施や証明書）がありません。パソコンや複合機、ルーターの記憶装置には、削除したつもりの文書や設定、パスワードが残っていることがあり、転売された機器から情報が流出した事例もあります。",
				EN: "There is no record — neither an erasure nor a certificate — that the data on this disposed device was erased. The storage of PCs, multifunction printers and routers can still hold documents, settings and passwords thought to be deleted, and leaks from resold equipment have happened.",
			},
			Remediation: Text{
				JA: "①廃棄を依頼した業者に、データ消去を行ったかどうかと方法を確認し、データ消去証明書を発行してもらいます。②まだ手元にある場合は、専用のソフトウェアで消去するか記憶装置を物理的に破壊してから引き渡します。③消去の実施と証明書の番号を mamori の機器に記録します。",
				EN: "1. Ask the disposal company whether and how the data was erased, and request an erasure certificate. 2. If the device is still on hand, erase it with dedicated software or physically destroy the storage before handing it over. 3. Record the erasure and the certificate number on the device in mamori.",
			},
			SelfCheck: []int{18},
			Threats:   []int{10},
			Run:       runDisposedNoErasure,
		},
		{
			ID:       "devices.encryption_unknown",
			Severity: Low,
			Subject:  KindDevice,
			Needs:    []string{"device.disk_encryption"},
			Title: Text{
				JA: "持ち運ぶ機器が暗号化されているか分かりません",
				EN: "Whether a portable device is encrypted is unknown",
			},
			Explanation: Text{
				JA: "このパソコン、スマートフォン、タブレットまたはUSBメモリについて、暗号化しているかどうかが記録されていません。紛失したときに情報漏えいになるかどうかは暗号化で決まるため、分からないままでは安全と判断できません。",
				EN: "Whether this PC, phone, tablet or USB drive is encrypted has not been recorded. Encryption decides whether a lost device becomes a data leak, so it cannot be judged safe while this is unknown.",
			},
			Remediation: Text{
				JA: "①Windows は［設定］＞［プライバシーとセキュリティ］＞［デバイスの暗号化］または BitLocker の状態、Mac は FileVault の状態で確認します。スマートフォンは画面ロックを設定していれば通常は暗号化されています。USBメモリは製品の仕様を確認します。②確認した結果を mamori の機器に記録します。",
				EN: "1. Check it: on Windows, Settings > Privacy & security > Device encryption, or the BitLocker status; on a Mac, the FileVault status. Phones are normally encrypted once a screen lock is set. For a USB drive, check the product's specification. 2. Record the answer on the device in mamori.",
			},
			SelfCheck: []int{13},
			Threats:   []int{10},
			Run:       runEncryptionUnknown,
		},
		{
			ID:       "devices.level3_on_byod",
			Severity: High,
			Subject:  KindDevice,
			Title: Text{
				JA: "重要な情報が私物端末に保存されています",
				EN: "Highly important information is kept on a personal device",
			},
			Explanation: Text{
				JA: "重要度3（個人情報を含むものなど）またはデータ区分レベル3の情報資産が、従業員の私物端末（BYOD）に保存されています。私物の端末は会社が管理することも消去することもできず、家族との共用や紛失、退職時の持ち出しを防げません。",
				EN: "Information assets of importance 3 (for example, ones with personal data) or data level 3 are stored on an employee's own device (BYOD). The company can neither manage nor wipe a personal device, and cannot prevent family use, loss, or the data walking out when the person leaves.",
			},
			Remediation: Text{
				JA: "①根拠に並ぶ情報資産を会社が管理するサーバーやクラウドに移し、私物端末からは削除してもらいます。②私物端末の利用ルールで重要な情報を端末に保存しないことを定め、クラウドの設定でダウンロードや同期を制限します。③mamori の情報資産の保存先からこの機器を外します。",
				EN: "1. Move the assets listed as evidence to a company-managed server or cloud service, and have them deleted from the personal device. 2. State in your BYOD rules that important information is never stored on personal devices, and restrict downloads and sync in the cloud service's settings. 3. Remove this device from the assets' storage locations in mamori.",
			},
			SelfCheck: []int{4, 21},
			Threats:   []int{4, 6},
			Run:       runLevel3OnBYOD,
		},
		{
			ID:       "devices.level3_on_usb",
			Severity: High,
			Subject:  KindDevice,
			Title: Text{
				JA: "重要な情報がUSBメモリに保存されています",
				EN: "Highly important information is kept on a USB drive",
			},
			Explanation: Text{
				JA: "重要度3（個人情報を含むものや、漏えいすると会社の存続に関わるもの）またはデータ区分レベル3の情報資産が、USBメモリなどの持ち運べる記録媒体に保存されています。USBメモリは紛失しやすく、コピーされても記録が残りにくいため、紛失や内部不正による持ち出しがそのまま重大な漏えいになります。",
				EN: "Information assets of importance 3 (personal data, or information whose leak could threaten the company) or data level 3 are stored on a USB drive or other removable medium. USB drives are easily lost and leave little trace when copied, so a loss or a quiet copy by an insider becomes a serious leak.",
			},
			Remediation: Text{
				JA: "①根拠に並ぶ情報資産を、アクセスできる人を絞った社内のサーバーやクラウドに移し、USBメモリからは削除します。②どうしてもUSBメモリが必要な業務では、暗号化機能付きの製品に限り、持ち出しと返却を記録します。③mamori の情報資産の保存先からこの機器を外します。",
				EN: "1. Move the assets listed as evidence to an access-restricted server or cloud service, and delete them from the USB drive. 2. If the work truly needs USB drives, allow only hardware-encrypted ones and log when they go out and come back. 3. Remove this device from the assets' storage locations in mamori.",
			},
			SelfCheck: []int{4, 12, 13},
			Threats:   []int{4, 10},
			Run:       runLevel3OnUSB,
		},
		{
			ID:       "devices.mobile_no_remote_wipe",
			Severity: Medium,
			Subject:  KindDevice,
			Title: Text{
				JA: "スマートフォン・タブレットを遠隔で消去できません",
				EN: "A phone or tablet cannot be wiped remotely",
			},
			Explanation: Text{
				JA: "このスマートフォンやタブレットは、紛失したときに遠隔でデータを消去する準備ができていません。見つからないまま時間がたつほど、中のメールや連絡先、サインインしたままのサービスを悪用されるおそれが高まります。",
				EN: "This phone or tablet is not set up for remote wiping. The longer a lost device stays missing, the more likely its mail, contacts and signed-in services are misused.",
			},
			Remediation: Text{
				JA: "①iPhone や iPad は「探す」、Android は「デバイスを探す」を有効にし、会社で管理する場合は Google Workspace のエンドポイント管理や Microsoft Intune に登録します。②紛失したときに誰がどの画面から消去するかを決め、手順を書き残します。③私物の端末では、業務のデータだけを消去できる仕組み（仕事用プロファイルなど）を使います。④mamori の機器の遠隔消去を「はい」に更新します。",
				EN: "1. Turn on Find My on iPhone and iPad, or Find My Device on Android; for company management, enrol the device in Google Workspace endpoint management or Microsoft Intune. 2. Decide who wipes a lost device and from which console, and write the steps down. 3. On personal devices, use a way to wipe only the work data (such as a work profile). 4. Set the device's remote wipe to \"yes\" in mamori.",
			},
			SelfCheck: []int{13},
			Threats:   []int{10},
			Run:       runMobileNoRemoteWipe,
		},
		{
			ID:       "devices.mobile_no_screen_lock",
			Severity: High,
			Subject:  KindDevice,
			Title: Text{
				JA: "会社のスマートフォン・タブレットに画面ロックがありません",
				EN: "A company phone or tablet has no screen lock",
			},
			Explanation: Text{
				JA: "会社のスマートフォンやタブレットに、パスコードや生体認証による画面ロックが設定されていません。持ち歩く機器は紛失や盗難が多く、拾った人がメールやチャット、クラウドのファイル、顧客の連絡先をすぐに見られます。画面ロックがなければ、端末の暗号化も役に立ちません。",
				EN: "A company phone or tablet has no passcode or biometric screen lock. Devices carried around are the ones most often lost or stolen, and whoever picks this one up can open the mail, chats, cloud files and customer contacts at once. Without a screen lock, the device's own encryption protects nothing either.",
			},
			Remediation: Text{
				JA: "①端末の設定で6桁以上のパスコードと生体認証を設定し、自動ロックまでの時間を短く（1〜2分）します。②Google Workspace のエンドポイント管理や Microsoft Intune を使っている場合は、画面ロックを必須にするポリシーを設定します。③mamori の機器の画面ロックを「はい」に更新します。",
				EN: "1. In the device's settings, set a passcode of at least six digits plus biometrics, and a short auto-lock (one or two minutes). 2. If you use Google Workspace endpoint management or Microsoft Intune, set a policy that requires a screen lock. 3. Set the device's screen lock to \"yes\" in mamori.",
			},
			SelfCheck: []int{13, 14},
			Threats:   []int{10},
			Run:       runMobileNoScreenLock,
		},
		{
			ID:       "devices.os_outdated",
			Severity: Medium,
			Subject:  KindDevice,
			Title: Text{
				JA: "パソコンやスマートフォンが90日以上更新されていません",
				EN: "A PC or phone has not been updated for 90 days",
			},
			Explanation: Text{
				JA: "このパソコン、スマートフォンまたはタブレットは、OSの最後の更新から90日以上たっています。その間に公開された脆弱性の修正が適用されておらず、細工されたメールやウェブサイトを開くだけで乗っ取られるおそれがあります。攻撃者は、修正が公開された直後から更新していない機器を狙います。",
				EN: "This PC, phone or tablet has not had an operating system update for 90 days. Fixes for the vulnerabilities published since then are missing, so opening a booby-trapped e-mail or website may be enough to take it over; attackers go after unpatched devices as soon as a fix is published.",
			},
			Remediation: Text{
				JA: "①Windows は［設定］＞［Windows Update］、Mac は［システム設定］＞［一般］＞［ソフトウェアアップデート］、スマートフォンは設定のシステムアップデートから更新します。②自動更新を有効にします。③メーカーのサポートが終わって更新が出ない機種は、買い替えを計画します。④更新したら、mamori の機器の最終更新日を記録します。",
				EN: "1. Update it: on Windows, Settings > Windows Update; on a Mac, System Settings > General > Software Update; on a phone, the system update in Settings. 2. Turn on automatic updates. 3. Plan to replace models that no longer receive updates. 4. Record the update date on the device in mamori.",
			},
			FiveRules: []int{1},
			SelfCheck: []int{1},
			Threats:   []int{1, 3},
			Run:       runOSOutdated,
		},
		{
			ID:       "devices.pc_no_antivirus",
			Severity: High,
			Subject:  KindDevice,
			Title: Text{
				JA: "パソコンにウイルス対策ソフトが入っていません",
				EN: "A PC has no antivirus protection",
			},
			Explanation: Text{
				JA: "このパソコンでは、ウイルス対策ソフトが動いていません。メールの添付ファイルや改ざんされたウェブサイトから入り込んだマルウェアを止められず、社内のほかの機器やファイルサーバーにまで広がって、ランサム攻撃でデータを暗号化される入口になります。",
				EN: "No antivirus is running on this PC. Malware arriving in an e-mail attachment or from a compromised website cannot be stopped; it spreads to other machines and the file server, and gives ransomware a way in to encrypt the company's data.",
			},
			Remediation: Text{
				JA: "①Windows は Microsoft Defender（［Windows セキュリティ］＞［ウイルスと脅威の防止］）が有効か確認し、会社で契約しているウイルス対策ソフトがあればそれを入れます。②定義ファイルが自動で更新される設定にします。③mamori の機器のウイルス対策を「はい」に更新します。",
				EN: "1. On Windows, check that Microsoft Defender is on (Windows Security > Virus & threat protection), or install the antivirus product the company uses. 2. Make sure its definitions update automatically. 3. Set the device's antivirus to \"yes\" in mamori.",
			},
			FiveRules: []int{2},
			SelfCheck: []int{2},
			Threats:   []int{1},
			Run:       runPCNoAntivirus,
		},
		{
			ID:       "devices.pc_no_encryption",
			Severity: High,
			Subject:  KindDevice,
			Title: Text{
				JA: "パソコンのディスクが暗号化されていません",
				EN: "A PC's disk is not encrypted",
			},
			Explanation: Text{
				JA: "このパソコンはディスクが暗号化されていません。持ち出した先で置き忘れたり盗まれたりすると、パスワードを知らない人でもディスクを取り出して、保存されているメールや顧客情報をそのまま読めます。暗号化されていれば、紛失しても中身を読まれる心配はほとんどありません。",
				EN: "This PC's disk is not encrypted. If it is left behind or stolen, anyone can take out the disk and read the mail and customer data on it without knowing the password. Had it been encrypted, a lost laptop would be a lost device, not a data leak.",
			},
			Remediation: Text{
				JA: "①Windows は［設定］＞［プライバシーとセキュリティ］＞［デバイスの暗号化］または BitLocker、Mac は［システム設定］＞［プライバシーとセキュリティ］＞［FileVault］で暗号化を有効にします。②表示される回復キーは、そのパソコン以外の安全な場所（管理者が管理する場所）に保管します。③暗号化が終わったら、mamori の機器のディスク暗号化を「はい」に更新します。",
				EN: "1. Turn on encryption: on Windows, Settings > Privacy & security > Device encryption, or BitLocker; on a Mac, System Settings > Privacy & Security > FileVault. 2. Store the recovery key somewhere safe other than the PC itself, under an administrator's control. 3. When encryption has finished, set the device's disk encryption to \"yes\" in mamori.",
			},
			SelfCheck: []int{13, 16},
			Threats:   []int{10},
			Run:       runPCNoEncryption,
		},
		{
			ID:       "devices.pc_no_screen_lock",
			Severity: Medium,
			Subject:  KindDevice,
			Title: Text{
				JA: "パソコンに画面ロックが設定されていません",
				EN: "A PC has no screen lock",
			},
			Explanation: Text{
				JA: "このパソコンは、席を離れても自動で画面がロックされない設定です。ほかの人が画面をのぞいたり、本人になりすまして操作したりできてしまいます。外出先では、のぞき見や置き忘れの被害も大きくなります。",
				EN: "This PC does not lock its screen automatically when left alone. Others can read the screen or use it as if they were its user, and outside the office a shoulder-surfer or a forgotten laptop does far more harm.",
			},
			Remediation: Text{
				JA: "①パスワードやPIN、生体認証によるサインインを設定します。②操作しないまま5分ほどたつと画面がロックされるようにします（Windows は［設定］＞［アカウント］＞［サインイン オプション］、Mac は［システム設定］＞［ロック画面］）。③席を離れるときは Windows キー＋L（Mac は Control＋Command＋Q）でロックするよう周知します。④mamori の機器の画面ロックを「はい」に更新します。",
				EN: "1. Set up sign-in with a password, PIN or biometrics. 2. Make the screen lock after about five minutes without use (Windows: Settings > Accounts > Sign-in options; Mac: System Settings > Lock Screen). 3. Tell staff to lock the screen whenever they leave their desk (Windows key + L; Control + Command + Q on a Mac). 4. Set the device's screen lock to \"yes\" in mamori.",
			},
			SelfCheck: []int{14},
			Run:       runPCNoScreenLock,
		},
		{
			ID:       "devices.usb_no_encryption",
			Severity: Medium,
			Subject:  KindDevice,
			Title: Text{
				JA: "暗号化されていないUSBメモリがあります",
				EN: "A USB drive is not encrypted",
			},
			Explanation: Text{
				JA: "このUSBメモリや外付けディスクは暗号化されていません。小さな記録媒体は置き忘れや紛失が特に多く、拾った人はどのパソコンにつないでも中身を読めます。紛失した時点で、中の情報は漏えいしたものとして扱わなければなりません。",
				EN: "This USB drive or external disk is not encrypted. Small media are the things most often left behind or lost, and whoever finds one can read it on any computer: once it is lost, its contents have to be treated as leaked.",
			},
			Remediation: Text{
				JA: "①中身を確認し、不要なデータを削除します。②今後も使うなら、暗号化機能付きのUSBメモリに替えるか、Windows の BitLocker To Go などで暗号化します。③重要な情報の受け渡しは、できるだけUSBメモリではなく、アクセスできる人を絞ったクラウドの共有に切り替えます。④mamori の機器のディスク暗号化を更新するか、廃棄した場合は廃棄日と消去の記録を残します。",
				EN: "1. Check what is on it and delete what is not needed. 2. If it stays in use, replace it with a hardware-encrypted drive or encrypt it (for example with BitLocker To Go on Windows). 3. Move important data through access-restricted cloud sharing rather than USB drives wherever possible. 4. Update the device's disk encryption in mamori, or record its disposal and erasure.",
			},
			SelfCheck: []int{12, 13},
			Threats:   []int{10},
			Run:       runUSBNoEncryption,
		},
	}
}

func deviceFinding(s *Snapshot, di int) Finding {
	return Finding{Subject: Ref{KindDevice, s.Devices[di].ID}}
}

func portable(k inventory.DeviceKind) bool {
	return k == inventory.PC || k == inventory.Smartphone || k == inventory.Tablet
}

func mobile(k inventory.DeviceKind) bool {
	return k == inventory.Smartphone || k == inventory.Tablet
}

// inUse walks the devices that have not been disposed of.
func inUse(s *Snapshot, f func(di int, d *inventory.Device)) {
	for di := range s.Devices {
		if d := &s.Devices[di]; !s.disposed(d) {
			f(di, d)
		}
	}
}

func runBYODNoScreenLock(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Ownership == inventory.BYOD && portable(d.Kind) && d.ScreenLock == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runDisposedNoErasure(s *Snapshot, emit func(Finding)) {
	for di := range s.Devices {
		d := &s.Devices[di]
		if s.disposed(d) && d.ErasureDone != inventory.Yes && d.ErasureCertificate == "" {
			f := deviceFinding(s, di)
			dd := parseDay(d.DisposedOn)
			f.Detail = Text{JA: dd.ja() + "に廃棄", EN: "disposed of on " + dd.en()}
			emit(f)
		}
	}
}

func runEncryptionUnknown(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if (portable(d.Kind) || d.Kind == inventory.USBMedia) && d.DiskEncryption == inventory.Unknown {
			emit(deviceFinding(s, di))
		}
	})
}

// importantAssets lists the assets of importance 3 or data level 3 kept on
// a device.
func importantAssets(s *Snapshot, di int) []Ref {
	var ev []Ref
	for _, ai := range s.ix.assetsByDevice.of(int32(di)) {
		if s.ix.asset[ai].important {
			ev = append(ev, assetRef(s, ai))
		}
	}
	return ev
}

func runLevel3OnBYOD(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Ownership != inventory.BYOD {
			return
		}
		if ev := importantAssets(s, di); len(ev) > 0 {
			f := deviceFinding(s, di)
			f.Evidence = ev
			emit(f)
		}
	})
}

func runLevel3OnUSB(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Kind != inventory.USBMedia {
			return
		}
		if ev := importantAssets(s, di); len(ev) > 0 {
			f := deviceFinding(s, di)
			f.Evidence = ev
			emit(f)
		}
	})
}

func runMobileNoRemoteWipe(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if mobile(d.Kind) && d.RemoteWipe == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runMobileNoScreenLock(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		// Personal devices are devices.byod_no_screen_lock.
		if mobile(d.Kind) && d.Ownership != inventory.BYOD && d.ScreenLock == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runOSOutdated(s *Snapshot, emit func(Finding)) {
	outdated(s, emit, portable, 90)
}

// outdated reports devices of the given kinds whose last update is more
// than limit days old; an unknown date is left to the *_unknown checks.
func outdated(s *Snapshot, emit func(Finding), kinds func(inventory.DeviceKind) bool, limit day) {
	today := s.today()
	updated := newSince("最終更新", "the last update", today)
	inUse(s, func(di int, d *inventory.Device) {
		if !kinds(d.Kind) {
			return
		}
		last := parseDay(d.LastUpdated)
		if last == noDay || today-last <= limit {
			return
		}
		f := deviceFinding(s, di)
		f.Detail = updated.get(last)
		if d.OSVersion != "" {
			f.Detail.JA += "、バージョン " + d.OSVersion
			f.Detail.EN += "; version " + d.OSVersion
		}
		emit(f)
	})
}

func runPCNoAntivirus(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Kind == inventory.PC && d.Antivirus == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runPCNoEncryption(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Kind == inventory.PC && d.DiskEncryption == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runPCNoScreenLock(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		// Personal PCs are devices.byod_no_screen_lock.
		if d.Kind == inventory.PC && d.Ownership != inventory.BYOD && d.ScreenLock == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}

func runUSBNoEncryption(s *Snapshot, emit func(Finding)) {
	inUse(s, func(di int, d *inventory.Device) {
		if d.Kind == inventory.USBMedia && d.DiskEncryption == inventory.No {
			emit(deviceFinding(s, di))
		}
	})
}
