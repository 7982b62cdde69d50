import type { Socket } from "node:net";

/** Two connections joined both ways; an error on either closes the other. */
export function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b).pipe(a);
  a.on("error", () => b.destroy());
  b.on("error", () => a.destroy());
}
