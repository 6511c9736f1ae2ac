#include "app/display.h"

#include <GLFW/glfw3.h>

#include <cstdlib>

namespace hp {

namespace {
std::string g_last_glfw_error;
void on_glfw_error(int code, const char* description) {
  g_last_glfw_error =
      std::string(description ? description : "unknown error") + " (GLFW error " + std::to_string(code) + ")";
}
}  // namespace

bool init_display(std::string* why) {
  glfwSetErrorCallback(on_glfw_error);
  const char* x = std::getenv("DISPLAY");
  const char* wl = std::getenv("WAYLAND_DISPLAY");
  if ((!x || !*x) && (!wl || !*wl)) {
    if (why) *why = "no display: DISPLAY is not set";
    return false;
  }
  if (!glfwInit()) {
    if (why) *why = "cannot open the display: " + g_last_glfw_error;
    return false;
  }
  return true;
}

GLFWwindow* create_gl_window(int width, int height, const char* title, bool visible, std::string* why) {
  glfwDefaultWindowHints();
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
  g_last_glfw_error.clear();
  GLFWwindow* w = glfwCreateWindow(width, height, title, nullptr, nullptr);
  if (!w) {
    if (why) *why = "cannot create an OpenGL 3.3 window: " + g_last_glfw_error;
    return nullptr;
  }
  glfwMakeContextCurrent(w);
  return w;
}

std::string gl_description() {
  auto str = [](GLenum e) {
    const GLubyte* s = glGetString(e);
    return s ? std::string(reinterpret_cast<const char*>(s)) : std::string("?");
  };
  return "OpenGL " + str(GL_VERSION) + " (" + str(GL_RENDERER) + ")";
}

}  // namespace hp
