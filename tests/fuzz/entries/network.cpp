// Network files (*.net.json): parseNetwork, the "training" object inside (parseTrainingSettings)
// and, for a network that parses, what the editor does next with it — analysis (validation and
// shape inference) and writing it back as JSON, which must parse again to the same network.
#include <cstdlib>

#include "fuzz_entries.h"
#include "fuzz_support.h"
#include "io/training_settings.h"
#include "spec/analysis.h"
#include "spec/network_spec.h"
#include "util/json.h"

namespace gradlab::fuzz {

void network(const uint8_t* data, size_t size) {
  const std::string text = asText(data, size);
  refusalIsFine([&] {
    const NetworkSpec spec = parseNetwork(text, "fuzz.net.json");
    const nlohmann::json j = parseJson(text, "fuzz.net.json");
    if (j.is_object() && j.contains("training")) parseTrainingSettings(j["training"], "fuzz.net.json");
    analyze(spec);
    // Saving what was opened must give a file that opens as the same network.
    const std::string saved = toJson(spec).dump(2);
    const NetworkSpec again = parseNetwork(saved, "saved.net.json");
    if (toJson(again) != toJson(spec)) {
      std::fprintf(stderr, "a network written back does not read as the same network\n");
      std::abort();
    }
  });
}

}  // namespace gradlab::fuzz
