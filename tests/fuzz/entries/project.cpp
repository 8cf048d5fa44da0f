// Project files (*.gradlab): parseProject (the network, data source, training settings and
// layout; the weights file it names is not read here — fuzz_safetensors covers that reader).
// A project that parses is written back and must parse again.
#include "fuzz_entries.h"
#include "fuzz_support.h"
#include "io/project.h"

namespace gradlab::fuzz {

void project(const uint8_t* data, size_t size) {
  const std::string text = asText(data, size);
  refusalIsFine([&] {
    const Project p = parseProject(text, "fuzz.gradlab");
    const std::string saved = serializeProject(p, p.weightsFile);
    try {
      parseProject(saved, "saved.gradlab");
    } catch (const Error& e) {
      std::fprintf(stderr, "a project written back does not open again: %s\n", e.what());
      std::abort();
    }
  });
}

}  // namespace gradlab::fuzz
