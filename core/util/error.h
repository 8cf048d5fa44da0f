#pragma once
// One error type for everything a user can get wrong: a file, a parameter, a dataset.
// The message says what is wrong, where (file and place), and how to fix it.
#include <stdexcept>
#include <string>

namespace gradlab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace gradlab
