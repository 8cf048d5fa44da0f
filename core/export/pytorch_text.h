#pragma once
// The fixed parts of the exported Python (export/pytorch_export.h), as the files show them:
// model.py's safetensors reader/writer, weight loading and Gradlab's GRU; train.py's loop.
// pytorch_export.cpp puts the network's own parts (Net, the run's settings) between them.

namespace gradlab::pytorch_text {

// model.py: read_safetensors / write_safetensors (torch only, no safetensors package).
extern const char* const kSafetensors;
// model.py: load_weights(model, path) and gradlab_weights(model).
extern const char* const kWeights;
// model.py: class GRU, Gradlab's (the lecture's) GRU on nn.GRU's parameters.
extern const char* const kGru;
// model.py: class PositionEncoding (learned or sinusoidal) and class Attention (one head).
extern const char* const kPositionEncoding;
extern const char* const kAttention;
// train.py: everything after the run's settings — batches, the loop, DDP, logging, checkpoint.
extern const char* const kTrainLoop;

}  // namespace gradlab::pytorch_text
