import Foundation
import Testing
@testable import ZooterCore

@Suite struct ResponseStatisticsTests {
    func statistics(_ response: String, query: String = "q") -> [String: Float] {
        Dictionary(uniqueKeysWithValues: zip(ResponseStatistics.names, ResponseStatistics.compute(query: query, response: response)))
    }

    @Test func countsLengthStructureAndEnding() {
        let text = "Steps:\n1. Boil water.\n2) Add tea\n- stir\n* serve\n10.no space\n•wrong"
        let s = statistics(text, query: "How do I make tea?")
        let chars = Float(text.unicodeScalars.count)
        #expect(abs(s["log_chars"]! - log1p(chars)) < 1e-5)
        #expect(abs(s["log_chars_squared"]! - log1p(chars) * log1p(chars)) < 1e-4)
        #expect(abs(s["log_length_ratio"]! - (log1p(chars) - log1p(Float("How do I make tea?".count)))) < 1e-5)
        #expect(s["log_line_breaks"] == log1p(6))
        // "1. ", "2) ", "- ", "* " are items; "10.no" and "•wrong" lack the space after the marker.
        #expect(s["log_list_items"] == log1p(4))
        #expect(s["ends_cleanly"] == 0)
        #expect(statistics("Done.")["ends_cleanly"] == 1)
        #expect(statistics("He said \"yes\"  \n")["ends_cleanly"] == 1)
    }

    @Test func seesRefusalsRepetitionAndNonASCII() {
        #expect(statistics("I'm Sorry, but I can't help with that.")["refusal"] == 1)
        #expect(statistics("As an AI language model, I have no opinion.")["refusal"] == 1)
        #expect(statistics("Paris is the capital of France.")["refusal"] == 0)
        let looping = statistics("the cat sat the cat sat the cat sat")
        // 9 words, 3 distinct: 7 trigrams of which 3 distinct.
        #expect(abs(looping["unique_word_share"]! - 3.0 / 9) < 1e-6)
        #expect(abs(looping["repeated_trigram_share"]! - (1 - 3.0 / 7)) < 1e-6)
        #expect(statistics("Das Café ist schön")["non_ascii_share"]! > 0)
        #expect(statistics("東京")["non_ascii_share"] == 1)
    }

    @Test func emptyAndHugeResponsesAreFinite() {
        for text in ["", " ", "\n\n\n", String(repeating: "word ", count: 200_000)] {
            let values = ResponseStatistics.compute(query: "", response: text)
            #expect(values.count == ResponseStatistics.names.count)
            #expect(values.allSatisfy { $0.isFinite })
        }
    }
}
