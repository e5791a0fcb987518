/**
 * Setup file of every test file (vitest.config.ts). Vitest runs it before each file, also in a worker
 * that several files share (the op tests': isolate false), so what it registers applies to each file.
 */
import { afterAll } from "vitest";
import { removeTempDirs } from "./temp.js";

afterAll(removeTempDirs);
