// A process that listens for its parent's messages only after a while (as a model process started
// ahead does, once its modules have loaded): answers "init", and ends itself with SIGKILL on
// "dispose", as the model process does.
await new Promise((resolve) => setTimeout(resolve, 300));
process.on('message', (message) => {
  if (message.type === 'init') process.send({ type: 'ready' });
  if (message.type === 'dispose') process.kill(process.pid, 'SIGKILL');
});
