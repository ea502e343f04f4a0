import Foundation
import Testing
import TailorCore

@Suite("Variant assignment")
struct VariantAssignmentTests {
    let units = (0..<10_000).map { "profile-\($0)-\(($0 * 7919) % 10_007)" }

    @Test func sharesAreWithinThreeSigmaOfTheWeightsOnTenThousandUnits() {
        let assignment = VariantAssignment(experiment: "spring-sale", arms: [.init("A", weight: 50), .init("B", weight: 30), .init("C", weight: 20)],
                                           holdout: 0.1)
        var counts: [String: Int] = [:]
        for u in units { counts[assignment.arm(for: u), default: 0] += 1 }
        let n = Double(units.count)
        // Holdout 10 %; the rest split 50:30:20.
        let expected = ["holdout": 0.1, "A": 0.45, "B": 0.27, "C": 0.18]
        for (arm, p) in expected {
            let sigma = (n * p * (1 - p)).squareRoot()
            let observed = Double(counts[arm] ?? 0)
            #expect(abs(observed - n * p) <= 3 * sigma, "\(arm): \(observed) against \(n * p) ± \(3 * sigma)")
        }
        #expect(Set(counts.keys) == Set(expected.keys))
        #expect(assignment.shares.map(\.name) == ["holdout", "A", "B", "C"])
        #expect(abs(assignment.shares.map(\.share).reduce(0, +) - 1) < 1e-12)
    }

    @Test func recomputingGivesEveryUnitTheSameArm() {
        let arms: [VariantAssignment.Arm] = [.init("A", weight: 1), .init("B", weight: 1)]
        let first = VariantAssignment(experiment: "welcome", arms: arms, holdout: 0.2)
        let again = VariantAssignment(experiment: "welcome", arms: arms, holdout: 0.2)
        #expect(units.allSatisfy { first.arm(for: $0) == again.arm(for: $0) })
        // The position is a pure function of the experiment and the unit, fixed across processes and machines.
        #expect(VariantAssignment.position(experiment: "welcome", unit: "profile-1") == VariantAssignment.position(experiment: "welcome", unit: "profile-1"))
        #expect(units.allSatisfy { (0..<1).contains(VariantAssignment.position(experiment: "welcome", unit: $0)) })
        // Another experiment draws independently: about half of A's units are in A again (not all, not none).
        let other = VariantAssignment(experiment: "welcome-2", arms: arms, holdout: 0.2)
        let inA = units.filter { first.arm(for: $0) == "A" }
        let stillA = Double(inA.filter { other.arm(for: $0) == "A" }.count) / Double(inA.count)
        #expect(abs(stillA - 0.4) < 0.03)
    }

    @Test func changingWeightsNeverMovesUnitsIntoOrOutOfTheHoldout() {
        let even = VariantAssignment(experiment: "x", arms: [.init("A", weight: 1), .init("B", weight: 1)], holdout: 0.15)
        let skewed = VariantAssignment(experiment: "x", arms: [.init("A", weight: 9), .init("B", weight: 1), .init("C", weight: 5)], holdout: 0.15)
        #expect(units.allSatisfy { (even.arm(for: $0) == VariantAssignment.holdout) == (skewed.arm(for: $0) == VariantAssignment.holdout) })
    }

    @Test func theTestSampleIsIndependentOfTheArm() {
        let assignment = VariantAssignment(experiment: "launch", arms: [.init("A", weight: 1), .init("B", weight: 1)])
        let n = Double(units.count)
        let sampled = units.filter { assignment.isInSample($0, share: 0.2) }
        #expect(abs(Double(sampled.count) - 0.2 * n) <= 3 * (n * 0.2 * 0.8).squareRoot())
        let aShare = Double(sampled.filter { assignment.arm(for: $0) == "A" }.count) / Double(sampled.count)
        #expect(abs(aShare - 0.5) < 0.05)
        #expect(sampled.allSatisfy { assignment.isInSample($0, share: 0.2) })
    }
}
