/// The letter and handover-sheet templates shipped with TokenForge: one HTML page each, set for
/// A4 so that a letter prints on one page; every word comes from the fields, in the user's
/// language (README, "Letter templates").
enum LetterTemplates {
    static let style = """
        @page{size:A4;margin:12mm 20mm 12mm 25mm}
        *{box-sizing:border-box}
        body{font-family:"DejaVu Sans",Verdana,sans-serif;font-size:8.8pt;line-height:1.3;margin:0;color:#000}
        @media screen{body{max-width:165mm;margin:2em auto}}
        .head{display:flex;justify-content:space-between;font-size:7.5pt;min-height:26mm}
        .recipient{font-size:10pt;min-height:24mm}
        h1{font-size:12pt;margin:0 0 2mm}
        h2{font-size:9.2pt;margin:2.2mm 0 .4mm;break-after:avoid}
        p{margin:0 0 1.2mm}
        .qr{margin:1mm 0 1mm;break-inside:avoid}
        .qr img{display:block;width:36mm;height:36mm;image-rendering:pixelated}
        .manual{font-size:7pt}
        .manual table{border-collapse:collapse}
        .manual td{padding:0 3mm 0 0;vertical-align:top}
        .key{font-family:"DejaVu Sans Mono",monospace}
        .note{font-size:7.8pt;color:#333}
        table.rows td{padding:.6mm 4mm .6mm 0;vertical-align:top}
        """

    static let letter = """
        <!DOCTYPE html>
        <html lang="{{language}}">
        <head><meta charset="utf-8"><title>{{title}}</title>
        <style>\(style)</style></head>
        <body>
        <div class="head"><div class="sender">{{#senderLines}}{{.}}<br>{{/senderLines}}</div><div class="date">{{date}}</div></div>
        <div class="recipient">{{#recipientLines}}{{.}}<br>{{/recipientLines}}</div>
        <h1>{{title}}</h1>
        <p>{{greeting}}</p>
        <p>{{intro}} {{requirement}}</p>
        <h2>{{installHeading}}</h2>
        <p>{{install}}</p>
        <h2>{{protectHeading}}</h2>
        <p>{{protect}}</p>
        <h2>{{adminHeading}}</h2>
        <p>{{admin}}</p>
        <h2>{{scanHeading}}</h2>
        <p>{{scan}}</p>
        <div class="qr"><img alt="{{qrAlt}}" src="data:image/png;base64,{{{qrPNG}}}">
        <div class="manual"><strong>{{manualTitle}}</strong>
        <table>{{#manualEntry}}<tr><td>{{label}}</td><td{{#key}} class="key"{{/key}}>{{value}}</td></tr>{{/manualEntry}}</table>
        <p>{{manual}}</p></div></div>
        <h2>{{confirmHeading}}</h2>
        <p>{{confirm}}</p>
        {{#questions}}<p>{{questions}}</p>{{/questions}}
        <p class="note">{{keep}}</p>
        </body>
        </html>

        """

    static let sheet = """
        <!DOCTYPE html>
        <html lang="{{language}}">
        <head><meta charset="utf-8"><title>{{title}}</title>
        <style>\(style)</style></head>
        <body>
        <div class="head"><div class="sender">{{#senderLines}}{{.}}<br>{{/senderLines}}</div><div class="date">{{date}}</div></div>
        <div class="recipient">{{#recipientLines}}{{.}}<br>{{/recipientLines}}</div>
        <h1>{{title}}</h1>
        <p>{{intro}}</p>
        <table class="rows">{{#rows}}<tr><td>{{label}}</td><td>{{value}}</td></tr>{{/rows}}</table>
        {{#sections}}<h2>{{heading}}</h2>
        <p>{{text}}</p>
        {{/sections}}
        <table class="rows">{{#receipt}}<tr><td>{{.}}</td><td>……………………………………</td></tr>{{/receipt}}</table>
        </body>
        </html>

        """

    /// The fields a letter template may use; inside `manualEntry`, `label`, `value` and `key`.
    static let letterFields: Set<String> = [
        "name", "username", "issuer", "account", "app", "language", "senderLines", "date", "recipientLines", "title",
        "greeting", "intro", "requirement", "installHeading", "install", "protectHeading", "protect", "adminHeading",
        "admin", "scanHeading", "scan", "confirmHeading", "confirm", "manualTitle", "manual", "manualEntry",
        "manualIssuer", "manualAccount", "manualKey", "manualType", "manualDigits", "manualPeriod", "qrAlt", "qrPNG",
        "qrSVG", "questions", "helpdesk", "login", "keep", "label", "value", "key", ".",
    ]

    /// The fields that are lists, in letters and sheets: a section over one repeats its body per item.
    static let listFields: Set<String> = ["senderLines", "recipientLines", "manualEntry", "rows", "sections", "receipt"]

    /// The fields a handover-sheet template may use; inside `rows`, `label` and `value`; inside
    /// `sections`, `heading` and `text`.
    static let sheetFields: Set<String> = [
        "language", "senderLines", "date", "recipientLines", "title", "intro", "rows", "sections", "receipt", "label",
        "value", "heading", "text", ".",
    ]
}
