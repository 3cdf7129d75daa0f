package batch

import (
	"sync"

	"github.com/async-completion/go-completer/internal/model"
)

// Run sends every job with send, at most concurrency at a time, and adds each
// outcome to out as its job finishes. send is called from several goroutines
// at once, and must not panic: one job's bug would end the others.
func Run[J any](jobs []J, concurrency int, send func(*J) model.Outcome, out *Output) {
	queue := make(chan *J)
	var wg sync.WaitGroup
	for range min(concurrency, len(jobs)) {
		wg.Go(func() {
			for job := range queue {
				out.Add(send(job))
			}
		})
	}
	for i := range jobs {
		queue <- &jobs[i]
	}
	close(queue)
	wg.Wait()
}
