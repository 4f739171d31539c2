//DEPS looop.java
// JShell with looop's classes on the class path: ./jbang --interactive repl.jsh
// (JBang leaves a .java script's own classes off JShell's class path; a .jsh that depends on it has them.)
import looop.sense.*;
import looop.gate.*;
import looop.io.*;
import java.time.*;
