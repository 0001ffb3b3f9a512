// The containers one test started, told apart from those of another test run on the same Docker
// engine (a second `npm test` beside this one): each serves its own loopback port, and the port
// is in the container's command (`serve … --port N`).

import type { ContainerRuntimeClient } from 'testcontainers';

export async function containersOnPort(
  client: ContainerRuntimeClient,
  port: number,
  filters: Record<string, string[]>,
): Promise<{ Id: string; Command: string }[]> {
  const all = await client.container.dockerode.listContainers({ all: true, filters });
  const serving = new RegExp(`--port ${port}(\\s|$)`);
  return all.filter((c) => serving.test(c.Command));
}
