/// The slip that takes a generated token PIN to its user, apart from the token itself.
enum PINSlip {
    static func text(pin: String, serial: String, user: RosterEntry, issuer: String) -> String {
        switch user.language {
        case .fr:
            """
            \(issuer) — code PIN de votre clé OTP

            Pour : \(user.displayName)
            Clé (numéro de série) : \(serial)
            Code PIN : \(pin)

            Ce code protège votre clé. Gardez-le pour vous, séparé de la clé ; détruisez ce billet après l’avoir mémorisé.

            """
        case .de:
            """
            \(issuer) – PIN Ihres OTP-Tokens

            Für: \(user.displayName)
            Token (Seriennummer): \(serial)
            PIN: \(pin)

            Diese PIN schützt Ihren Token. Bewahren Sie sie getrennt vom Token auf und vernichten Sie diesen Zettel, sobald Sie sie sich gemerkt haben.

            """
        case .it:
            """
            \(issuer) – PIN della sua chiavetta OTP

            Per: \(user.displayName)
            Chiavetta (numero di serie): \(serial)
            PIN: \(pin)

            Questo PIN protegge la sua chiavetta. Lo conservi separato dalla chiavetta e distrugga questo foglio dopo averlo memorizzato.

            """
        case .en:
            """
            \(issuer) — PIN of your OTP token

            For: \(user.displayName)
            Token (serial number): \(serial)
            PIN: \(pin)

            This PIN protects your token. Keep it apart from the token, and destroy this slip once you remember it.

            """
        }
    }
}
