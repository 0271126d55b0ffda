import OTPCore
import Testing

struct TOTPVerifierTests {
    let generator = try! TOTPGenerator(secret: Secret(bytes: Array("12345678901234567890".utf8)), digits: 8)
    let now: Int64 = 1_111_111_111  // step 37037037

    @Test(arguments: [-1, 0, 1])
    func acceptsCodesOneStepEachWayAndReportsTheDrift(offset: Int) throws {
        let verifier = TOTPVerifier(generator: generator)
        let step = UInt64(Int64(37_037_037) + Int64(offset))
        let result = try verifier.verify(generator.code(step: step), at: now)
        #expect(result == .accepted(step: step, drift: offset))
    }

    @Test(arguments: [-2, 2, 5])
    func rejectsCodesOutsideTheWindow(offset: Int) throws {
        let verifier = TOTPVerifier(generator: generator)
        let code = generator.code(step: UInt64(37_037_037 + offset))
        #expect(try verifier.verify(code, at: now) == .rejected)
    }

    @Test func aWiderWindowAcceptsMore() throws {
        let verifier = TOTPVerifier(generator: generator, window: 3)
        #expect(try verifier.verify(generator.code(step: 37_037_040), at: now) == .accepted(step: 37_037_040, drift: 3))
    }

    @Test func theRecordedDriftMovesTheWindow() throws {
        let verifier = TOTPVerifier(generator: generator)
        let code = generator.code(step: 37_037_041)
        #expect(try verifier.verify(code, at: now) == .rejected)
        #expect(try verifier.verify(code, at: now, expectedDrift: 4) == .accepted(step: 37_037_041, drift: 4))
    }

    @Test func refusesTheLastAcceptedStepAndEarlierOnes() throws {
        let verifier = TOTPVerifier(generator: generator)
        let current = generator.code(step: 37_037_037)
        #expect(try verifier.verify(current, at: now, lastAcceptedStep: 37_037_037) == .replayed(step: 37_037_037))
        #expect(try verifier.verify(current, at: now, lastAcceptedStep: 37_037_040) == .replayed(step: 37_037_037))
        #expect(
            try verifier.verify(current, at: now, lastAcceptedStep: 37_037_036) == .accepted(step: 37_037_037, drift: 0)
        )
    }

    @Test(arguments: ["", "1234567", "123456789", "abcdefgh", "0708180４"])
    func rejectsCodesOfTheWrongShape(code: String) throws {
        #expect(try TOTPVerifier(generator: generator).verify(code, at: now) == .rejected)
    }

    @Test func stepsBeforeT0AreSkipped() throws {
        let verifier = TOTPVerifier(generator: generator)
        #expect(try verifier.verify(generator.code(step: 0), at: 10) == .accepted(step: 0, drift: 0))
    }

    @Test func hotpMatchLooksAheadFromTheCounter() throws {
        let hotp = try HOTPGenerator(secret: Secret(bytes: Array("12345678901234567890".utf8)))
        #expect(hotp.match("969429", from: 0, lookAhead: 3) == 3)
        #expect(hotp.match("969429", from: 0, lookAhead: 2) == nil)
        #expect(hotp.match("755224", from: 1, lookAhead: 9) == nil)
    }
}
