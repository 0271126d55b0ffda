import OTPCore
import Testing

/// Inputs at the ends of their types give answers or errors, never a trap or an endless loop.
struct ArithmeticBoundsTests {
    let secret = Secret(bytes: Array("12345678901234567890".utf8))

    @Test func hotpMatchesAtTheLastCounterAndStopsThere() throws {
        let generator = try HOTPGenerator(secret: secret)
        let code = generator.code(counter: .max)
        #expect(generator.match(code, from: .max, lookAhead: 10) == .max)
        #expect(generator.match(code, from: .max - 1, lookAhead: 1) == .max)
    }

    @Test func aHugeOrNegativeLookAheadIsClampedNotLooped() throws {
        let generator = try HOTPGenerator(secret: secret)
        let far = generator.code(counter: UInt64(HOTPGenerator.maximumLookAhead) + 5)
        #expect(generator.match(far, from: 0, lookAhead: .max) == nil)
        #expect(generator.match(generator.code(counter: 7), from: 7, lookAhead: -1) == 7)
    }

    @Test func aHugeWindowIsClampedAndANegativeOneIsZero() throws {
        let generator = try TOTPGenerator(secret: secret)
        #expect(TOTPVerifier(generator: generator, window: .max).window == TOTPVerifier.maximumWindow)
        #expect(TOTPVerifier(generator: generator, window: -1).window == 0)
        let verifier = TOTPVerifier(generator: generator, window: .max)
        let now: Int64 = 1_700_000_000
        let step = try generator.step(at: now)
        let outside = generator.code(step: step + UInt64(TOTPVerifier.maximumWindow) + 1)
        let inside = generator.code(step: step + UInt64(TOTPVerifier.maximumWindow))
        #expect(try verifier.verify(inside, at: now) != .rejected)
        #expect(try verifier.verify(outside, at: now) == .rejected || outside == inside)
    }

    @Test(arguments: [Int.min, Int.max])
    func anExtremeDriftIsRejectedNotATrap(drift: Int) throws {
        let generator = try TOTPGenerator(secret: secret)
        let verifier = TOTPVerifier(generator: generator)
        #expect(try verifier.verify("123456", at: .max, expectedDrift: drift) == .rejected)
    }

    @Test func theLastSecondsOfTimeHaveAStepAndAValidity() throws {
        let generator = try TOTPGenerator(secret: secret)
        let validity = try generator.validity(at: .max)
        #expect(validity.contains(.max))
        #expect(validity.lowerBound == .max - Int64(UInt64(Int64.max) % 30))
        #expect(try generator.secondsRemaining(at: .max) >= 1)
        let early = try TOTPGenerator(secret: secret, t0: .min)
        #expect(try early.step(at: .max) == UInt64.max / 30)
    }

    @Test func validityIsTheStepsFirstToLastSecond() throws {
        let generator = try TOTPGenerator(secret: secret)
        #expect(try generator.validity(at: 1_700_000_005) == 1_699_999_980...1_700_000_009)
    }
}
