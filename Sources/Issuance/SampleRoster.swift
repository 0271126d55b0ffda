/// The roster the demo issues to: app users in each language and two token users.
public enum SampleRoster {
    public static let csv = """
        username,display_name,email,language,method,app,token_serial
        zmuller,Zoë Müller,zoe.muller@example.org,de,app,,
        crochat,Claire Rochat,claire.rochat@example.org,fr,app,accesssecurium,
        lrossi,Luca Rossi,luca.rossi@example.org,it,app,microsoft,
        apatel,Asha Patel,asha.patel@example.org,en,app,google,
        bkeller,Bruno Keller,bruno.keller@example.org,de,token,,TFDEMO0001
        mfavre,Marie Favre,marie.favre@example.org,fr,token,,TFDEMO0002

        """
}
