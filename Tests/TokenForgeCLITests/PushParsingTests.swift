import ArgumentParser
import Issuance
import PrivacyIDEA
import Testing

@testable import TokenForgeCLI

/// `push privacyidea` parsed in this process: its options land where they should, bad ones are
/// refused while parsing, and each privacyIDEA failure maps to its documented exit status.
struct PushParsingTests {
    @Test func serverOptionsLandInTheCommand() throws {
        let push = try #require(
            try TokenForge.parseAsRoot([
                "push", "privacyidea", "--url", "https://otp.example.org", "--user", "admin", "--realm", "acme",
                "--resolver", "staff", "--ca-file", "ca.pem", "--timeout", "5", "--remember", "--dry-run",
            ]) as? PrivacyIDEAPush)
        #expect(push.server.url == "https://otp.example.org")
        #expect(push.server.resolver == "staff")
        #expect(push.server.caFile == "ca.pem")
        #expect(push.server.timeout == 5)
        #expect(push.remember && push.dryRun)
    }

    @Test func badServerOptionsAreRefusedWhileParsing() {
        for (arguments, message) in [
            (["--url", "ftp://otp.example.org"], "--url ftp://otp.example.org is not an http(s) URL"),
            (["--resolver", ""], "--resolver is empty"),
            (["--ca-file", ""], "--ca-file is empty"),
            (["--timeout", "0"], "--timeout 0 is not in 1...300"),
        ] {
            do {
                _ = try TokenForge.parseAsRoot(["push", "privacyidea"] + arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                #expect(
                    TokenForge.message(for: error).contains(message), "\(arguments): \(TokenForge.message(for: error))")
                #expect(TokenForge.exitCode(for: error) == .validationFailure)
            }
        }
    }

    @Test func everyPrivacyIDEAErrorMapsToItsExitStatus() {
        let settings = Register.ServerSettings(url: "https://otp.example.org", user: "admin", realm: "acme")
        let cases: [(PrivacyIDEAError, TokenForgeCLI.ExitStatus)] = [
            (.unreachable(url: "https://otp.example.org", detail: "Couldn't connect to server"), .noDevice),
            (.tls(host: "otp.example.org", detail: "unable to get local issuer certificate"), .serverNotVerified),
            (.unusableCAFile(path: "/etc/ca.pem", detail: "error setting certificate file"), .noInput),
            (.badCredentials(user: "admin"), .pin),
            (.unknownUser(user: "zmuller", realm: "acme"), .refused),
            (.refused(request: "deleting token APP-zmuller", status: 400, message: "no"), .refused),
            (.malformedResponse(request: "the token list"), .deviceIO),
        ]
        for (error, status) in cases {
            #expect(PrivacyIDEAOptions.failure(error, settings: settings, midway: false).status == status, "\(error)")
        }
        #expect(TokenForgeCLI.ExitStatus.serverNotVerified.rawValue == 84)
        let withCA = Register.ServerSettings(
            url: "https://otp.example.org", user: "admin", realm: "acme", caFile: "/etc/tokenforge/ca.pem")
        let tls = PrivacyIDEAError.tls(host: "otp.example.org", detail: "unable to get local issuer certificate")
        #expect(
            PrivacyIDEAOptions.failure(tls, settings: settings, midway: false).message.hasSuffix("with --ca-file FILE"))
        #expect(
            PrivacyIDEAOptions.failure(tls, settings: withCA, midway: false).message.hasSuffix(
                "(checked against the CAs in /etc/tokenforge/ca.pem)"))
    }
}
