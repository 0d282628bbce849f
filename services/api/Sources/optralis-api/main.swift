import Dispatch

// The main thread waits on a semaphore instead of parking in `dispatchMain()`, which an async
// `@main` does on Linux: valgrind (3.19) crashes on dispatchMain's signal thread, and `make bench`
// counts the api's instructions per request under callgrind. Nothing in the api runs on the main
// actor; the command runs detached from it.
let finished = DispatchSemaphore(value: 0)
Task.detached {
    await OptralisAPICommand.main()
    finished.signal()
}
finished.wait()
