#pragma once
// The live views, in one table: the window makes a dock for each (views/view_docks.h).
// A new view: its file in this folder, and one line in viewTypes() (view_types.cpp).
#include <QWidget>
#include <functional>
#include <vector>

namespace gradlab::widgets {

class View;

struct ViewType {
  const char* name;  // "boundary": the dock is "boundaryDock" (saved window layouts name it)
  std::function<View*(QWidget* parent)> create;
  // In the default layout: tabbed with the others right of the canvas, or below them.
  enum class Place { Tabbed, Below } place = Place::Tabbed;
};

const std::vector<ViewType>& viewTypes();

}  // namespace gradlab::widgets
