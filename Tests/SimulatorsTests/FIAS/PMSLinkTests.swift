import Testing
@testable import Simulators

@Suite struct PMSLinkTests {
    private func started(_ link: inout PMSLink) -> PMSLink.Outcome {
        _ = link.receive(FIASRecord("LD|DA250904|TI120000|V#1.0|IFDL|"))
        _ = link.receive(FIASRecord("LR|RIKR|FLKCWSRN|"))
        _ = link.receive(FIASRecord("LR|RIKA|FLASKCWS|"))
        return link.receive(FIASRecord("LA|DA250904|TI120000|"))
    }

    @Test func ldLrLaMakeTheLinkAliveAndLAIsAnswered() {
        var link = PMSLink()
        let outcome = started(&link)
        #expect(outcome == PMSLink.Outcome(reply: .linkAlive, cameAlive: true))
        #expect(link.phase == .alive && link.announced == ["KR", "KA"])
        // An LA while alive is not answered (no LA ping-pong).
        #expect(link.receive(FIASRecord("LA|")) == PMSLink.Outcome())
    }

    @Test func anLAWithoutLDStartsNothing() {
        var link = PMSLink()
        #expect(link.receive(FIASRecord("LA|")) == PMSLink.Outcome())
        #expect(link.phase == .down)
    }

    @Test func dataIsIgnoredUntilTheLinkIsAlive() {
        var link = PMSLink()
        #expect(link.receive(FIASRecord("KA|ASOK|")).ignored)
        _ = link.receive(FIASRecord("LD|"))
        #expect(link.receive(FIASRecord("KA|ASOK|")).ignored)
        _ = link.receive(FIASRecord("LA|"))
        #expect(!link.receive(FIASRecord("KA|ASOK|")).ignored)
    }

    @Test func lsIsAKeepAliveWhileAliveAndALinkStartOtherwise() {
        var link = PMSLink()
        #expect(link.receive(FIASRecord("LS|")).reply == .linkStart)
        _ = started(&link)
        #expect(link.receive(FIASRecord("LS|")).reply == .linkAlive)
        #expect(link.phase == .alive)
    }

    @Test func aRestartedPMSAnswersLSWithLSOnce() {
        var link = PMSLink(restartPending: true)
        _ = started(&link)
        #expect(link.receive(FIASRecord("LS|")).reply == .linkStart)
        #expect(link.phase == .down)
        _ = started(&link)
        #expect(link.receive(FIASRecord("LS|")).reply == .linkAlive)

        link.restart()
        #expect(link.phase == .down)
        #expect(link.receive(FIASRecord("LS|")).reply == .linkStart)
    }

    @Test func leIsAnsweredUnlessThePMSEndedTheLink() {
        var link = PMSLink()
        _ = started(&link)
        #expect(link.receive(FIASRecord("LE|")) == PMSLink.Outcome(reply: .linkEnd, close: true))
        #expect(link.phase == .down)
        link.connected()
        _ = started(&link)
        link.ending()
        #expect(link.receive(FIASRecord("LE|")) == PMSLink.Outcome(reply: nil, close: true))
    }

    @Test func lsIsRepeatedOnlyToASilentClientAndAtMostTheLimit() {
        var link = PMSLink()
        let answers = (0..<3).map { _ in link.repeatsLinkStart(limit: 2) }
        #expect(answers == [true, true, false])
        link.connected()
        _ = link.receive(FIASRecord("LD|"))
        let afterHearing = link.repeatsLinkStart(limit: 2)
        #expect(!afterHearing)
    }
}
