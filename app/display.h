#pragma once
// GLFW start-up shared by the shell, `screenshot` and `doctor`.
#include <string>

struct GLFWwindow;

namespace hp {

// Initialises GLFW. Returns false with a plain reason when there is no usable display.
bool init_display(std::string* why);
// A GL 3.3 core window (the GL context is made current). Returns null with a reason on failure.
GLFWwindow* create_gl_window(int width, int height, const char* title, bool visible, std::string* why);
// "<GL_VERSION> (<GL_RENDERER>)" of the current context.
std::string gl_description();

}  // namespace hp
