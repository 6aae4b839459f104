# skillspass pages, English. Ids are shared with nl.ftl; every id here must be there too (a test checks).

skip-to-content = Skip to the content
nav-consoles = Consoles
nav-language = Language
nav-wallet = My wallet
nav-provider = Provider's console
nav-employer = Employer's console
nav-wallet-pages = Wallet pages
nav-console-pages = Console pages
sign-in = Sign in
sign-out = Sign out
cancel = Cancel
remove = Remove
delete = Delete
detail = Details
go-back = Go back
footer-about = skillspass: your skills, your proof, in your own wallet.
esco-attribution = Skill and occupation names: ESCO v1.1.1, © European Union, https://esco.ec.europa.eu, reused under Commission Decision 2011/833/EU.

home-title = Skills passport
home-lead = Providers sign what you learned, you keep the proof in your own wallet, and employers check it without calling anyone.
home-wallet = Keep your credentials, see your skills, share only what you choose.
home-provider = Issue skills credentials and micro-credentials, and manage their status.
home-employer = Ask for the skills a job needs and check the answer.

error-title = Something went wrong
error-form-title = This form could not be sent
error-internal = Something went wrong on our side. Nothing was changed; please try again.
error-not-found = This page does not exist.
error-csrf = This form has expired or did not come from this site. Nothing was changed. Go back, reload the page and try again.
error-cross-site = This form was sent from another site. Nothing was changed.
error-form-unreadable = The form could not be read. Nothing was changed.
error-throttled = Too many attempts. Wait a while and try again.
error-throttled-wait = Too many attempts. Try again in { $seconds } seconds.
session-ended = Your session has ended. Sign in again to continue; nothing was lost.

console-sign-in-title = Sign in to the console
console-sign-in-lead = The consoles are for the organisation's staff. Sign in with the server's admin token.
console-token = Admin token
console-token-help = It is in the file admin-token in the server's data folder.
console-token-missing = Enter the admin token.
console-token-wrong = That admin token is not right.

wallet-sign-in-title = Sign in to your wallet
wallet-sign-in-lead = Your credentials are encrypted with your passphrase. Nobody else can open them, not even the server's operator.
wallet-account = Account name
wallet-account-help = 3 to 64 characters: lower-case letters, digits, dots, dashes or underscores.
wallet-passphrase = Passphrase
wallet-passphrase-help = At least 8 characters. A sentence you remember works well. It cannot be recovered if you lose it: keep an export.
wallet-passphrase-repeat = Passphrase again
wallet-no-account = No wallet yet?
wallet-sign-up-link = Create one
wallet-have-account = I already have a wallet
wallet-sign-up-title = Create your wallet
wallet-sign-up-lead = Your wallet keeps the credentials you earn. Only your passphrase opens it.
wallet-create = Create my wallet
wallet-error-passphrase = The account name or passphrase is not right.
wallet-error-weak = The passphrase is too short: use at least 8 characters.
wallet-error-repeat = The two passphrases are not the same.
wallet-error-exists = That account name is taken. Choose another one.
wallet-error-account = That account name cannot be used: 3 to 64 lower-case letters, digits, dots, dashes or underscores.
wallet-error-unknown-credential = There is no such credential in your wallet.
wallet-error-not-accepted = The credential was not accepted. Nothing was stored.
wallet-error-present = This cannot be shared.
wallet-error-export = The export file cannot be used.
wallet-error-not-empty = The export cannot be restored into this wallet.
wallet-error-exchange = The other side refused, or could not be reached. Nothing was changed.
wallet-error-qr = No link could be read from the picture.
wallet-error-no-link = Paste the link or choose a picture of the QR code.
wallet-error-code-missing = Enter the code the provider sent you.
wallet-error-code-wrong = The provider did not accept the code. Check the code and try again; nothing was stored.
wallet-error-decision = Choose whether to share or decline.
wallet-error-no-file = Choose the export file.
wallet-notice-welcome = Your wallet is ready. Receive your first credential from a provider.
wallet-notice-deleted = The credential was deleted.
wallet-notice-restored = Your export was restored.
wallet-notice-added = The credential is now in your wallet.

wallet-nav-passport = Passport
wallet-nav-receive = Receive
wallet-nav-share = Share
wallet-nav-match = Job match
wallet-nav-history = History
wallet-nav-backup = Export and restore

passport-title = My skills passport
passport-empty = Your wallet is empty. When a provider gives you a link or QR code, receive the credential here.
passport-skills = Skills
passport-skills-help = Each skill with the credentials that prove it, the strongest proof first.
passport-evidence-of = Proof of { $skill }
passport-summary = { $credentials ->
    [one] 1 credential
   *[other] { $credentials } credentials
}, { $skills ->
    [one] 1 proven skill
   *[other] { $skills } proven skills
}.
passport-all-skills = All my skills
passport-more = and { $count ->
    [one] 1 more credential
   *[other] { $count } more credentials
}
passport-page = Page { $page } of { $pages } ({ $count } credentials)
passport-pages = Pages of credentials
page-previous = Previous page
page-next = Next page
col-best-evidence = Strongest proof
passport-credentials = Credentials
passport-no-trust-list = This server's employer side keeps no list of trusted providers, so trust is not shown.
not-in-esco = not an ESCO skill
col-evidence = Proof
col-eqf = EQF level
col-issuer = Issued by
col-validity = Validity
col-status = Status
col-skill = Skill
col-setting = Learning setting
col-needed = Needed
col-outcome = Result
col-credential = Credential
col-learner = Learner
col-issued = Issued
col-actions = Actions
trusted = trusted provider
not-trusted = not on the trust list
in-validity = valid now
out-of-validity = expired or not yet valid
until = until { $date }
since = since { $date }
issued-by = issued by { $issuer }
skills-count = { $count ->
    [one] 1 skill
   *[other] { $count } skills
}
kind-skill = Skills credential
kind-micro = EU micro-credential

strength-formal = Formal education
strength-non-formal = Non-formal learning (course, training)
strength-informal = Informal learning
strength-practice-statement = Employer's practice statement
strength-unstated = Learning setting not stated
strength-hosted = Hosted badge (weaker proof)

status-valid = Valid
status-revoked = Revoked
status-suspended = Suspended
status-unchecked = Not checked yet

report-title = Verification
report-verified = The signature, the issuer's key, validity and status all check out.
report-not-verified = This credential does not verify now. See why below.
report-errors = Problems
report-warnings = Good to know
report-checks = Checks, in order
check-passed = passed
check-failed = failed
check-skipped = skipped
check-parse = The credential can be read
check-alg = Signature algorithm allowed
check-typ = Type header
check-issuer-key = The issuer's key was found
check-signature = Signature
check-claims = Required claims
check-validity = Validity period
check-type-metadata = Type of credential (type metadata)
check-status = Not revoked or suspended
check-revocation = Not revoked
check-schema = Follows the credential schema
check-trust = Issued by a trusted provider
check-context = JSON-LD contexts
check-format = Format
check-holder-key = Holder's key
check-key-binding = Presented by its holder
check-nonce = Answers this request
check-audience = Meant for this verifier
check-freshness = Presented just now
check-replay = Not a replay
check-credentials = The credentials inside
micro-title = EU micro-credential elements
credential-facts = About this credential
fact-copies = Unlinkable copies
fact-copies-value = { $unused } of { $total } not yet shown to any employer
fact-copies-help = Each employer gets a copy no other employer has seen, so employers cannot compare notes about you.
fact-format = Format
fact-issuer = Issuer
fact-subject = Holder
fact-valid-from = Valid from
fact-valid-until = Valid until
fact-imported = In your wallet since
fact-id = Identifier
credential-all-claims = All claims, as signed
delete-title = Delete this credential?
delete-question = "{ $name }", issued by { $issuer }, will be removed from your wallet. The provider keeps its own record; you can only get it back from an export or from the provider.
delete-confirm = Yes, delete it

receive-title = Receive a credential
receive-lead = Your provider gives you a link or a QR code, and often a code by e-mail.
receive-link = The link from your provider
receive-link-help = It starts with openid-credential-offer://
qr-picture = Or a picture of the QR code
qr-picture-help = A screenshot or a photo, PNG or JPEG.
receive-read = Continue
offer-title = A credential is offered to you
offer-from = From
offer-what = What
offer-code = Code from your provider
offer-code-help = The code has { $length } digits.
offer-code-issuer-says = The provider says
offer-accept = Accept into my wallet

share-title = Share your skills
share-lead = An employer gives you a link or a QR code. You will see who asks and exactly what would be sent before anything leaves your wallet.
share-link = The link from the employer
share-link-help = It starts with openid4vp://
share-read = Continue
consent-title = Do you want to share this?
consent-who = Who asks
consent-identified-by = Identified by
consent-answers-to = The answer goes to
consent-certified-by = Certificate issued by
consent-signed = The request is signed: its sender is verified.
consent-unsigned = The request is not signed: the name is as the employer states it.
consent-what = What would be sent
consent-what-help = Only what is listed below leaves your wallet. Everything else stays private.
consent-skill = The skill “{ $skill }”
consent-copies-fresh = This employer gets a copy of the credential no other employer has seen, so employers cannot link what they received. { $left } unused { $left ->
    [one] copy
   *[other] copies
} left after this.
consent-copies-known = This employer gets the same copy it received before.
consent-copies-exhausted = You have used every copy of this credential: this employer gets a copy another employer has already seen, so the two could tell it is the same credential. Ask the issuer for fresh copies if that matters to you.
consent-include = Include this
consent-optional = optional
consent-required = required for this request
consent-nothing = Your wallet holds nothing this request asks for. You can decline; the employer will only hear that you declined.
consent-agree = Share
consent-decline = Decline
shared-title-sent = Shared
shared-title-declined = Declined
shared-title-nothing-matched = Nothing to share
shared-sent = Your proof was sent to { $verifier }.
shared-declined = You declined. { $verifier } was told, and nothing else.
shared-nothing-matched = Nothing in your wallet matched. { $verifier } was told you declined.
shared-continue = Continue to the employer's page

match-title = How do my skills fit a job?
match-lead = Compare your proven skills with a vacancy. This happens inside your wallet: nothing is sent to anyone.
match-occupation = An ESCO occupation
match-occupation-help = Type a job title, for example "data analyst", and pick a suggestion.
match-profile = Or a vacancy profile
match-profile-help = The profile as TOML or JSON (see docs/skills-gap.md).
match-profile-file = Or a profile file
match-button = Compare
profile-error-invalid = The vacancy profile is not valid.
profile-error-none = Choose an occupation or give a vacancy profile.
profile-error-occupation = No ESCO occupation fits that name.
gap-title = { $title }
gap-coverage = Essential skills proven: { $proven } of { $total }
gap-coverage-optional = optional: { $proven } of { $total }
gap-score = score { $score } of 100
gap-essential = essential
gap-optional = optional
gap-strength = strength { $strength }%
gap-via = through { $skill }
gap-related = You have related skills
outcome-proven = proven
outcome-proven-narrower = proven through a narrower skill
outcome-missing = missing

history-title = What you shared
history-lead = Every request you answered, kept encrypted in your wallet like your credentials.
history-empty = You have not shared anything yet.
history-sent = shared
history-declined = declined
history-nothing-matched = nothing matched

backup-title = Export and restore
backup-export = Export
backup-export-lead = Download your whole wallet as one encrypted file, to keep safe or to move to another wallet.
backup-passphrase = Passphrase of the export
backup-download = Download the export
backup-restore = Restore
backup-restore-lead = Restore an export into this wallet: into an empty wallet, or merged when it is an export of this same wallet.
backup-file = Export file
backup-merge = Merge into the credentials already here
backup-restore-button = Restore

picker-legend = ESCO skills
picker-none = No skills chosen yet.
picker-search = Find a skill
picker-help = Type a skill's name and choose "Add skill". Suggestions appear while you type.
picker-add = Add skill
picker-remove = Remove { $skill }
picker-type-something = Type the name of a skill first.
picker-no-match = No ESCO skill matches "{ $typed }".
picker-choose = Several skills match "{ $typed }". Choose one:

provider-nav-issued = Issued credentials
provider-nav-new = New offer
provider-issued-title = Issued credentials
provider-did = Issuing as { $did }
provider-copies = { $count } unlinkable copies in the learner's wallet; a status change applies to all
provider-none = Nothing issued yet.
provider-form-lead = Describe what the learner achieved. The learner receives it in their own wallet with the link or QR code shown next.
provider-form-provider = Your organisation
provider-form-provider-name = Organisation name
provider-form-provider-url = Web site
provider-form-achievement = The achievement
provider-form-name = Name
provider-form-description = Description
provider-form-criteria = How it was assessed
provider-form-kind = Kind
provider-form-eqf = EQF level
provider-form-eqf-none = Not stated
provider-form-setting = Learning setting
provider-form-micro = EU micro-credential elements
provider-form-micro-help = Needed for an EU micro-credential (Council Recommendation 2022/C 243/02); ignored for a skills credential.
provider-form-outcomes = Learning outcomes
provider-form-outcomes-help = One per line.
provider-form-workload = Workload in hours
provider-form-credits = ECTS credits
provider-form-assessment = Type of assessment
provider-form-participation = Form of participation
participation-online = online
participation-onsite = on site
participation-blended = blended (online and on site)
provider-form-quality = Quality assurance
provider-form-supervision = Supervision and identity check
provider-form-language = Language of the course
provider-form-language-help = A language code, for example nl or en.
provider-form-country = Country (two letters)
provider-form-handover = Handing it over
provider-form-learner = Learner's name or e-mail
provider-form-learner-help = Only a label in this console, to find the credential again; it is not put in the credential.
provider-form-code = Require a one-time code (you send it to the learner yourself)
provider-form-expires = The offer expires after (minutes)
provider-form-create = Create the offer
provider-error-required = Fill in the organisation name, the achievement's name and its description.
provider-error-no-skill = Add at least one ESCO skill.
provider-error-invalid = This would not make a valid credential.
provider-error-unknown = No credential with that id was issued here.
provider-error-status = The status could not be changed.
provider-offer-title = The offer is ready
provider-offer-lead = Give the learner this QR code or link for "{ $name }".
provider-offer-for = For { $learner }.
provider-offer-link = Link for the learner's wallet
provider-offer-code = One-time code (shown only now; send it to the learner separately, for example by e-mail):
provider-offer-code-help = The wallet asks for it when the learner accepts.
provider-offer-expires = The offer can be accepted until { $at }.
qr-alt-offer = QR code of the offer link
qr-caption = Scan with a wallet app, or use the link.
action-suspend = Suspend
action-revoke = Revoke
action-reinstate = Reinstate
confirm-suspend = Suspend "{ $name }" of { $learner }? Employers will see it as suspended until you reinstate it.
confirm-revoke = Revoke "{ $name }" of { $learner }? This is final: it cannot be undone.
confirm-reinstate = Reinstate "{ $name }" of { $learner }? It becomes valid again.
confirm-button-suspend = Yes, suspend
confirm-button-revoke = Yes, revoke for good
confirm-button-reinstate = Yes, reinstate

employer-nav-new = New request
employer-form-lead = Ask a candidate's wallet for proof of the skills a job needs. Start from a vacancy profile, an ESCO occupation or chosen skills.
employer-form-name = Your organisation's name, as the wallet shows it
employer-form-name-help = The wallet tells the candidate this name is as you state it.
employer-form-profile = From a vacancy profile
employer-form-from-profile = Request by this profile
employer-form-occupation = From an ESCO occupation
employer-form-from-occupation = Request by this occupation
employer-form-from-skills = Request these skills
employer-error-no-skill = Add at least one skill first.
employer-error-request = The request could not be made.
employer-error-unknown = No such request, or it has expired.
employer-request-title = Presentation request
employer-request-link = Link for the candidate's wallet
employer-request-link-help = Send it, or let the candidate scan the QR code. This page updates by itself when the answer arrives.
employer-check-again = Check for the answer
qr-alt-request = QR code of the request link
qr-caption-request = The candidate scans this with their wallet.
state-pending = Waiting for the candidate's wallet.
state-request_fetched = The candidate's wallet has opened the request.
state-checking = The answer has arrived and is being checked.
state-verified = Answered and verified.
state-failed = Answered, but the answer does not prove what was asked.
state-declined = The candidate declined.
employer-result = Result
employer-verified = Verified: every required skill is proven by a credential that checks out.
employer-essential-missing = The presentation verified, but { $count ->
    [one] 1 essential skill is
   *[other] { $count } essential skills are
} not proven.
employer-not-verified = Not verified.
employer-declined = The candidate declined to share.
employer-credential-failed = This credential does not verify.
employer-all-checks = All checks of this credential
check-disclosures = Selectively disclosed claims
employer-why = Why
employer-credential-from = Credential from { $issuer }
employer-skills = Skills proven

provider-form-flow = The learner signs in on this site (for EU Digital Identity Wallets)
provider-form-flow-help = The wallet sends the learner to a sign-in page of yours, where they type a one-time code you send them. Needed for wallets that follow the EU profile (HAIP); other wallets work either way.
provider-offer-sign-in-code = Sign-in code (shown only now; send it to the learner separately, for example by e-mail):
provider-offer-sign-in-code-help = The learner types it on your sign-in page when their wallet sends them there.
learner-sign-in-title = Sign in to receive your credential
learner-sign-in-lead = Your wallet asks for "{ $name }". Type the sign-in code your training provider sent you, and you go back to your wallet.
learner-code = Sign-in code
learner-code-help = Eight digits, from the e-mail or letter of your training provider.
learner-sign-in-button = Sign in and go back to my wallet
learner-code-missing = Type the sign-in code first.
learner-code-wrong = That code is not right. You can try { $left } more { $left ->
    [one] time
   *[other] times
  }.
learner-sign-in-unknown = This sign-in link has expired or was already used. Go back to your wallet and accept the offer again.

offer-sign-in-note = The issuer asks you to sign in on its website with the code it sent you. Your wallet takes you there, and you come back here afterwards.
wallet-signed-in-title = Back in your wallet
wallet-signed-in-lead = You signed in at the issuer. Your wallet is now fetching the credential.
wallet-signed-in-continue = Continue
wallet-error-sign-in-expired = This sign-in is unknown or took too long. Accept the offer again.
credential-claims = What it says
fact-type = Type
