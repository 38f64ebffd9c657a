import Foundation
import Testing

@testable import FIAS

/// The link control on its own, without sockets or clocks: what goes out after each event.
@Suite("FIAS link machine")
struct FIASLinkMachineTests {
    private func machine(_ settings: FIASSettings = FIASSettings()) -> FIASLinkMachine {
        let time = FIASTime(timeZone: .gmt)
        return FIASLinkMachine(
            timing: .init(
                greetingWait: settings.greetingWait.timeInterval, linkTimeout: settings.linkTimeout.timeInterval,
                keepAlive: settings.keepAlive.timeInterval, keepAliveAnswer: 30),
            linkStart: { now in FIASLinkRecords.linkStart(settings: settings, time: time, now: now) },
            stamp: { type, now in FIASLinkRecords.stamped(type, time: time, now: now) })
    }

    private func sent(_ actions: [FIASLinkAction]) -> [String] {
        actions.compactMap { if case .send(let record) = $0 { record.type } else { nil } }
    }

    @Test("with the defaults the link start (LD, LR…, LA) goes out the moment the connection is up; it waited 3 s before")
    func startsAtOnce() {
        var link = machine()
        let types = sent(link.connected(now: Date()))
        #expect(types.first == "LD" && types.last == "LA" && types.contains("LR"), "\(types)")
    }

    @Test("greetingWait lets a PMS speak first: nothing at connect, the start once it says LS")
    func greetingWait() {
        var settings = FIASSettings()
        settings.greetingWait = .seconds(3)
        var link = machine(settings)
        let now = Date()
        #expect(link.connected(now: now).isEmpty)
        #expect(sent(link.received(FIASRecord("LS", []), now: now.addingTimeInterval(1))).first == "LD")
    }

    @Test("an LS from the PMS on a live link, unasked, redoes the link start")
    func lsWhileAlive() {
        var link = machine()
        let now = Date()
        _ = link.connected(now: now)
        #expect(link.received(FIASRecord("LA", []), now: now) == [.alive])
        #expect(sent(link.received(FIASRecord("LS", []), now: now.addingTimeInterval(60))).first == "LD")
    }
}
