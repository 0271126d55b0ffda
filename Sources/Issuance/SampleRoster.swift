/// The roster the demo issues to: app users in each language and two token users.
public enum SampleRoster {
    public static let csv = """
        username,display_name,email,language,method,app,token_serial,address
        zmuller,Zoë Müller,zoe.muller@example.org,de,app,,,Bahnhofstrasse 12|8001 Zürich
        crochat,Claire Rochat,claire.rochat@example.org,fr,app,accesssecurium,,Avenue de la Gare 3|1003 Lausanne
        lrossi,Luca Rossi,luca.rossi@example.org,it,app,microsoft,,Via Nassa 7|6900 Lugano
        apatel,Asha Patel,asha.patel@example.org,en,app,google,,
        bkeller,Bruno Keller,bruno.keller@example.org,de,token,,TFDEMO0001,Marktgasse 5|3011 Bern
        mfavre,Marie Favre,marie.favre@example.org,fr,token,,TFDEMO0002,

        """
}
