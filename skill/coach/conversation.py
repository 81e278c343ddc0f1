"""The conversation as a state machine: each event takes a State to a Reply.

Replies say *what* to say (phrase keys and places in routines); the voice layer decides the
words. What must be remembered across sessions travels as the reply's effects; the Coach never
touches storage.
"""

from __future__ import annotations

import dataclasses

from ..content.catalog import Catalog
from ..content.routines import Concern, Kind, Routine
from ..content.timing import Pace
from .progress import Progress
from .reminders import REMINDER_QUESTIONS, ReminderConversation
from .replies import Effect, History, Line, Reply, about
from .state import MAX_MISSES, PartCount, Place, Question, State, Suggestion

# Streaks mentioned when a finished routine brings them to this many days.
MILESTONES = frozenset({3, 7, 14, 30})
# Questions a side question can interrupt and then ask again as they were.
KEPT_QUESTIONS = (Question.NEXT, Question.CONTINUE, Question.ANOTHER, Question.RESUME,
                  Question.STEP, Question.SUGGEST, Question.EASE)
# Questions asked after speaking a step: "repeat" there means the step, not the question.
STEP_QUESTIONS = (Question.NEXT, Question.CONTINUE, Question.ANOTHER)


# What each question is about, said again before it when it was missed.
TOPICS = {Question.NEXT: "at_place", Question.CONTINUE: "at_place", Question.RESUME: "at_place",
          Question.ANOTHER: "finished", Question.RELIEF: "offer_relief",
          Question.FORGET: "forget_check", Question.STEP: "which_step",
          Question.EASE: "at_place", Question.REMINDER_OFFER: "reminder_offer_lead"}


def timed(place: Place) -> bool:
    """Whether any step spoken at `place` times holds."""
    return any(place.routine.steps[index].timed for index in place.steps)


class Coach(ReminderConversation):
    """Decides what the skill says next. Pure: no I/O, no wording."""

    def __init__(self, catalog: Catalog, part_count: PartCount):
        self.catalog = catalog
        self.part_count = part_count

    # Starting points.

    def launch(self, state: State, history: History) -> Reply:
        if not history.known:
            return self._menu(state.then(), Line("welcome"), Line("safety_note"),
                              effects=frozenset({Effect.MET}))
        if history.saved:
            return Reply((Line("welcome_back"), about("saved_place", history.saved)),
                         Question.RESUME, state.then(asked=Question.RESUME, offer=history.saved))
        return self._menu(state.then(), Line("welcome_again"))

    def greet(self, reply: Reply) -> Reply:
        """`reply` for someone new, who hears the safety note before anything else."""
        effects = reply.effects | {Effect.MET}
        if reply.says("cramp_start"):  # relief first: the whole note once the point is pressed
            step = next(index for index, line in enumerate(reply.lines) if line.key == "step")
            lines = (*reply.lines[:step + 1], Line("safety_note_after"), *reply.lines[step + 1:])
            return dataclasses.replace(reply, lines=lines, effects=effects)
        if reply.says("safety_note") or reply.says("pain_advice") or reply.says("see_doctor"):
            return dataclasses.replace(reply, effects=effects)
        return dataclasses.replace(reply, lines=(Line("safety_note"), *reply.lines),
                                   effects=effects)

    def list_routines(self, state: State) -> Reply:
        """Every routine, grouped by kind (the welcome only sums them up)."""
        unfinished = state.place and not self._finished(state)
        tail = (about("menu_resume", state.place),) if unfinished else ()
        return Reply((Line("menu_full"), *tail), Question.CHOOSE,
                     state.then(state.place, Question.CHOOSE))

    def start(self, state: State, routine: Routine | None, heard: str = "") -> Reply:
        if routine is None:
            lead = Line("unknown_routine", heard=heard) if heard else Line("need_routine")
            return self._menu(state, lead)
        return self._speak(state, Place(routine), Line("intro", routine))

    def home(self, state: State) -> Reply:
        return self._menu(state.then(), Line("home"))

    def how_long(self, state: State, routine: Routine | None = None) -> Reply:
        """About `routine` if named, else what is left of the current one, else the range."""
        if routine:
            line = Line("duration", routine)
        elif self._finished(state):
            line = about("finished", state.place)
        elif state.place:
            line = about("remaining", state.place)
        else:
            line = Line("durations")
        return self._answer(state, line)

    def cramp(self, state: State) -> Reply:
        """Relief at once: one short safety line, then the first point, said briefly and
        pressed without waiting; the introduction waits for "tell me more". During the relief
        itself, as if it hurt."""
        relief = self._relief()
        if relief is None:
            return self.hurts(state)
        if state.place and state.place.routine == relief and not self._finished(state):
            return self.hurts(state)
        first = next((index for index, step in enumerate(relief.steps) if step.quick), None)
        if first is None:
            return self.start(state, relief)
        reply = self._speak(state, Place(relief, first, quick=True), Line("cramp_start", relief))
        if not relief.steps[first].hold_up_to:
            return reply
        return dataclasses.replace(reply, lines=(*reply.lines, Line("timer_done", relief)))

    def tell_more(self, state: State) -> Reply:
        """The introduction of the routine under way or offered, and the question again."""
        pending = self._pending(state)
        if pending == Question.RELIEF:
            routine = self._relief()
        elif pending == Question.SUGGEST and state.suggestion:
            routine = state.suggestion.routine
        else:
            place = state.place or state.offer
            routine = place.routine if place else None
        if routine is None:
            return self.help(state)
        return Reply((Line("intro", routine),), pending,
                     state.then(state.place, pending, state.offer, state.suggestion))

    def which_side(self, state: State) -> Reply:
        """ "Which leg?": the side of the hold in progress, if the person spoke during one."""
        return self._mid_step(state, "which_side")

    def how_many_more(self, state: State) -> Reply:
        """ "How many more?": rounds left in the step in progress, then steps left."""
        return self._mid_step(state, "how_many_more")

    def _mid_step(self, state: State, key: str) -> Reply:
        """An answer about the hold the request was placed in (the place's from_hold, when it
        cut the speech short), or about the place heard out."""
        if not state.place:
            return self._no_routine(state)
        hold = state.place.from_hold if state.cut else None
        if self._finished(state) and hold is None:
            return self._answer(state, about("finished", state.place))
        place = state.place
        return self._answer(state, Line(key, place.routine, place, hold=hold))

    def hurts(self, state: State) -> Reply:
        """Stop, give the safety advice, and offer cramp relief unless that is what hurt;
        pressing a point mid-massage (which may hurt), ease off and choose: skip it, or stop."""
        if state.place and state.place.routine.kind == Kind.MASSAGE and timed(state.place) \
                and not self._finished(state) and state.asked != Question.EASE:
            return Reply((Line("ease_off"),), Question.EASE,
                         state.then(state.place, Question.EASE))
        relief = self._relief()
        if relief is None or (state.place and state.place.routine == relief):
            return Reply((Line("pain_advice"), Line("goodbye")), None, state.then())
        return Reply((Line("pain_advice"), Line("offer_relief", relief)), Question.RELIEF,
                     state.then(asked=Question.RELIEF))

    # What is bothering the person.

    def concern(self, state: State, concern: Concern | None, heard: str = "") -> Reply:
        """Routines for what is bothering them, best first; a doctor before any routine for
        an injury or sharp, swollen or lasting pain."""
        if concern is None:
            return self._menu(state, Line("unknown_concern", heard=heard))
        if concern.see_doctor:
            return self.see_doctor(state)
        routines = self.catalog.helping_with(concern)
        if not routines:
            return self._menu(state, Line("unknown_concern", heard=heard))
        return self._suggest(state, Suggestion(concern, routines), "suggest")

    def see_doctor(self, state: State) -> Reply:
        return Reply((Line("see_doctor"), Line("goodbye")), None, state.then())

    # Moving through a routine.

    def next(self, state: State) -> Reply:
        """The next step (or part); after "Would you like to carry on?" ("ready", "go on"),
        carrying on."""
        if state.asked == Question.RESUME and not state.cut and (state.place or state.offer):
            return self.resume(state, History())
        if not state.place:
            return self._no_routine(state)
        after = self._after(state.place)
        if after:
            return self._speak(state, after)
        return Reply((about("finished", state.place),), Question.ANOTHER,
                     state.then(state.place, Question.ANOTHER))

    def previous(self, state: State) -> Reply:
        if not state.place:
            return self._no_routine(state)
        place = state.place
        if place.part > 0:
            return self._speak(state, Place(place.routine, place.step, place.part - 1))
        if place.step > 0:
            step = place.routine.turn_before(place.step)
            return self._speak(state, Place(place.routine, step))
        return self._speak(state, place, Line("first_step"), arrived=False)

    def repeat(self, state: State) -> Reply:
        """The step last spoken, again (from the round it was cut short at, if it was); or,
        while another question is pending, that question ("what?", "say that again")."""
        if state.place and (state.asked in STEP_QUESTIONS or state.cut):
            return self._speak(state, state.place, arrived=False)
        if state.asked is None:
            return self._no_routine(state)
        ask = self._pending(state)
        lines = self._topic(state, ask)
        if state.misses:
            lines = (*lines, self._about(state, ask, f"choices.{ask}"))
        return self._retry(state, ask, *lines)

    def go_to(self, state: State, number: int | None) -> Reply:
        if not state.place:
            return self._no_routine(state)
        routine = state.place.routine
        if number is None:
            return Reply((about("which_step", state.place),), Question.STEP,
                         state.then(state.place, Question.STEP, state.offer))
        if not 1 <= number <= len(routine.steps):
            return self._keep_place(state, Line("no_such_step", routine, state.place,
                                                heard=str(number)))
        return self._speak(state, Place(routine, number - 1))

    def start_over(self, state: State) -> Reply:
        if not state.place:
            return self._no_routine(state)
        return self.start(state, state.place.routine)

    def pause(self, state: State) -> Reply:
        """The place is remembered (where the person was, if they cut a step short): say where,
        how to come back, and end the session."""
        if not state.place:
            return self._no_routine(state)
        if self._finished(state):
            return self.stop(state)
        return Reply((about("paused", self._restart(state)), Line("come_back")), None,
                     state.then())

    def resume(self, state: State, history: History) -> Reply:
        """Carry on: from the place in this session (the round it was cut short at, or the step
        after one heard out), the one offered at launch, or the one saved."""
        if state.place and self._finished(state):
            return self.list_routines(state)
        place = self._restart(state) if state.place else state.offer or history.saved
        if place is None:
            return self._menu(state.then(), Line("nothing_to_resume"))
        return self._speak(state, place, about("resuming", place))

    def wait(self, state: State) -> Reply:
        """About a minute of quiet, the place kept, then the question still open."""
        lines = (Line("take_your_time"), Line("waiting"))
        if state.place or state.offer or state.suggestion:
            return self._keep_place(state, *lines)
        asked = state.asked or Question.CHOOSE
        return Reply(lines, asked, state.then(asked=asked))

    # How the person likes to be coached.

    def slower(self, state: State) -> Reply:
        return self._change_pace(state, state.pace.changed(speed=1), "pace_slower", "slowest")

    def faster(self, state: State) -> Reply:
        return self._change_pace(state, state.pace.changed(speed=-1), "pace_faster", "fastest")

    def longer(self, state: State) -> Reply:
        return self._change_pace(state, state.pace.changed(hold=1), "hold_longer", "longest")

    def shorter(self, state: State) -> Reply:
        return self._change_pace(state, state.pace.changed(hold=-1), "hold_shorter", "shortest")

    def reset_pace(self, state: State) -> Reply:
        return self._change_pace(state, Pace(), "pace_reset", "pace_reset", hands_free=False)

    def sounds(self, state: State, on: bool) -> Reply:
        """A sound at the end of long holds, or none, from now on."""
        key = "sounds_on" if on else "sounds_off"
        return self._change_pace(state, dataclasses.replace(state.pace, sounds=on), key, key)

    def hands_free(self, state: State, on: bool = True) -> Reply:
        """Steps one after another without asking between them (or asking again), from now on;
        between steps, carrying on at once."""
        reply = self._change_pace(state, state.pace, "hands_free_on" if on else "hands_free_off",
                                  "hands_free_on" if on else "hands_free_off", hands_free=on)
        if on and state.place and state.asked in (Question.NEXT, Question.CONTINUE):
            going = self.next(reply.state)
            return dataclasses.replace(going, lines=(*reply.lines, *going.lines),
                                       effects=going.effects | reply.effects)
        return reply

    def settings(self, state: State) -> Reply:
        return self._answer(state, Line("settings"))

    # Memory.

    def progress(self, state: State, progress: Progress) -> Reply:
        return self._answer(state, Line("progress", progress=progress))

    def streak(self, state: State, progress: Progress) -> Reply:
        """Days in a row now, and the best there has been."""
        return self._answer(state, Line("streak", progress=progress))

    def celebrate(self, reply: Reply, progress: Progress) -> Reply:
        """`reply`, which may finish a routine, with the streak if today's first finished
        routine brings it to a milestone."""
        if not reply.effects & {Effect.FINISHED, Effect.FINISHING} or progress.today != 1 \
                or progress.streak not in MILESTONES:
            return reply
        return dataclasses.replace(reply, lines=(
            *reply.lines, Line("streak_milestone", progress=progress)))

    def today(self, state: State, history: History, progress: Progress) -> Reply:
        """A routine for today: the one left unfinished, else one not done in the last seven
        days (stretches first, as the menu orders them), else the one done longest ago."""
        if state.place and not self._finished(state):
            return self._keep_place(state, about("today_unfinished", state.place))
        if history.saved:
            return Reply((about("today_saved", history.saved),), Question.RESUME,
                         state.then(asked=Question.RESUME, offer=history.saved))
        ordered = sorted(self.catalog, key=lambda routine: list(Kind).index(routine.kind))
        fresh = [routine for routine in ordered if routine not in progress.recent]
        if not ordered:
            return self._menu(state)
        routine, key = (fresh[0], "today_fresh") if fresh else (progress.recent[-1],
                                                                 "today_longest_ago")
        return Reply((Line(key, routine),), Question.SUGGEST,
                     state.then(state.place, Question.SUGGEST,
                                suggestion=Suggestion(None, (routine,))))

    def forget(self, state: State) -> Reply:
        """Ask before deleting everything remembered about the person."""
        return Reply((Line("forget_check"),), Question.FORGET,
                     state.then(state.place, Question.FORGET))

    # Answers and help.

    def yes(self, state: State) -> Reply:
        if state.asked in REMINDER_QUESTIONS:
            return self.reminder_yes(state)
        if state.asked in (Question.NEXT, Question.CONTINUE):
            return self.next(state)
        if state.asked == Question.RESUME:
            return self.resume(state, History())
        if state.asked == Question.ANOTHER:
            return self._menu(state.then())
        if state.asked == Question.RELIEF and self._relief():
            return self.start(state.then(), self._relief())
        if state.asked == Question.SUGGEST and state.suggestion:
            return self.start(state.then(), state.suggestion.routine)
        if state.asked == Question.FORGET:
            return Reply((Line("forgotten"), Line("goodbye")), None, State(),
                         frozenset({Effect.FORGET_PERSON}))
        if state.asked == Question.STEP:
            return self.help(state)
        return self._menu(state) if state.asked == Question.CHOOSE else self.fallback(state)

    def no(self, state: State) -> Reply:
        if state.asked in REMINDER_QUESTIONS:
            return self.reminder_no(state)
        if state.asked == Question.RESUME and state.offer:
            return self._menu(state.then(), Line("fresh_start"),
                              effects=frozenset({Effect.FORGET_PLACE}))
        if state.asked == Question.SUGGEST and state.suggestion:
            following = state.suggestion.choice + 1
            if following < len(state.suggestion.routines):
                return self._suggest(state, dataclasses.replace(state.suggestion,
                                                                choice=following), "suggest_next")
            return self._menu(state.then(), Line("no_problem"))
        if state.asked in (Question.NEXT, Question.CONTINUE, Question.RESUME):
            return Reply((Line("no_rush"),), state.asked, state)
        if state.asked == Question.STEP:
            ask = self._question_at(state.place)
            return Reply((Line("no_rush"),), ask, state.then(state.place, ask))
        if state.asked == Question.FORGET:
            kept = Line("kept")
            return self._keep_place(state, kept) if state.place else self._menu(state, kept)
        if state.asked in (Question.CHOOSE, Question.ANOTHER, Question.RELIEF):
            return self.stop(state)
        return self.fallback(state)

    def help(self, state: State) -> Reply:
        """What the person can say to the question pending, and that question again."""
        ask = self._pending(state)
        return self._retry(state, ask, self._about(state, ask, f"help.{ask}"))

    def fallback(self, state: State) -> Reply:
        """A miss: the question again, briefly; from the second miss on, with its choices."""
        ask = self._pending(state)
        if state.misses:
            lines = (Line("not_understood_again"), self._about(state, ask, f"choices.{ask}"))
        else:
            lines = (Line("not_understood"), *self._topic(state, ask))
        return self._retry(state, ask, *lines)

    def stop(self, state: State) -> Reply:
        if state.place and not self._finished(state):
            advice = (Line("pain_advice"),) if state.asked == Question.EASE else ()
            return Reply((*advice, about("saved", self._restart(state)), Line("goodbye")), None,
                         state.then())
        return Reply((Line("goodbye"),), None, state.then())

    def apologise(self, state: State) -> Reply:
        return Reply((Line("apology"),), Question.ANYTHING,
                     state.then(state.place, Question.ANYTHING))

    # Shared shapes of reply.

    def _speak(self, state: State, place: Place, *lead: Line, arrived: bool = True) -> Reply:
        """Speak `place`; at the routine's end, close it, offer another and, if the person
        `arrived` here (rather than hearing it again), count it as finished: at once, or once
        its holds are heard out. Hands-free, the turns after it follow in the same response."""
        if state.hands_free:
            place = self._run(place)
        lines = (*lead, about("step", place))
        ask = self._question_at(place)
        effects = frozenset({Effect.ARRIVED}) if arrived else frozenset()
        if ask != Question.ANOTHER:
            return Reply(lines, ask, state.then(place, ask), effects)
        if arrived:
            effects |= {Effect.FINISHING if timed(place) else Effect.FINISHED}
        # Praise for what was done: holds (again, if repeated), not tips listened to.
        praise = (Line("praise"),) if place.routine.timed_steps else ()
        return Reply((*lines, about("close", place), *praise), ask, state.then(place, ask),
                     effects)

    def _finished(self, state: State) -> bool:
        """Whether the routine at the state's place has been spoken to its end (and its last
        holds heard out), whatever was asked since (another routine, a suggestion...)."""
        place = state.place
        return place is not None and self._question_at(place) is Question.ANOTHER and (
            state.done or not timed(place))

    def _run(self, place: Place) -> Place:
        """`place` and the turns after it, as many as one response holds: a run grows while
        its speech is still one part (the voice's parts keep within Alexa's limits for one
        response), so it ends where a turn ends, and the next response asks once to go on.
        A turn too long for one response, or relief said the quick way, is spoken alone."""
        place = dataclasses.replace(place, to=0)
        if place.quick or place.part or self.part_count(place) > 1:
            return place
        run = place
        while not run.last:
            longer = dataclasses.replace(place, to=place.routine.turn(run.steps.stop).stop)
            if self.part_count(longer) > 1:
                break
            run = longer
        return run

    def _after(self, place: Place) -> Place | None:
        """The place that follows `place`: its next part, or the next step; None at the end."""
        if place.part + 1 < self.part_count(place):
            return Place(place.routine, place.step, place.part + 1, place.from_hold)
        return None if place.last else Place(place.routine, place.steps.stop)

    def _restart(self, state: State) -> Place | None:
        """Where to start again: after the place if its holds were heard out, else at it."""
        return self._after(state.place) if state.done else state.place

    def _question_at(self, place: Place) -> Question:
        """What is asked once `place` has been spoken: go on, carry on, or another routine."""
        if place.part + 1 < self.part_count(place):
            return Question.CONTINUE
        return Question.ANOTHER if place.last else Question.NEXT

    def _suggest(self, state: State, suggestion: Suggestion, key: str) -> Reply:
        line = Line(key, suggestion.routine, concern=suggestion.concern,
                    routines=suggestion.routines[suggestion.choice + 1:])
        return Reply((line,), Question.SUGGEST,
                     state.then(state.place, Question.SUGGEST, suggestion=suggestion))

    def _change_pace(self, state: State, pace: Pace, changed: str, unchanged: str,
                     hands_free: bool | None = None) -> Reply:
        """The new pace (and hands-free, if given), said and kept from now on (and
        remembered), the place kept."""
        hands_free = state.hands_free if hands_free is None else hands_free
        if pace == state.pace and hands_free == state.hands_free:
            return self._keep_place(state, Line(f"pace_limit.{unchanged}"))
        reply = self._keep_place(dataclasses.replace(state, pace=pace, hands_free=hands_free),
                                 Line(changed))
        return dataclasses.replace(reply, effects=frozenset({Effect.PACE}))

    def _menu(self, state: State, *lead: Line, tail: tuple[Line, ...] = (),
              effects: frozenset[Effect] = frozenset()) -> Reply:
        return Reply((*lead, Line("menu"), *tail), Question.CHOOSE,
                     state.then(state.place, Question.CHOOSE), effects)

    def _answer(self, state: State, line: Line) -> Reply:
        """An answer to a side question: alone if asked in one go (a one-shot), else with the
        place and its question kept, or the menu's question."""
        if state.asked is None and not state.place:
            return Reply((line,), None, state.then())
        if state.place or state.offer or state.suggestion:
            return self._keep_place(state, line)
        return self._menu(state, line)

    def _relief(self) -> Routine | None:
        """The routine offered to someone with a cramp, if the content has one."""
        return next((routine for routine in self.catalog if routine.for_cramps), None)

    def _no_routine(self, state: State) -> Reply:
        return self._menu(state, Line("no_routine_yet"))

    # A question asked again.

    def _pending(self, state: State) -> Question:
        """The question a miss or "help" asks again: the one asked, or where the person is."""
        if state.asked:
            return state.asked
        return self._question_at(state.place) if state.place else Question.CHOOSE

    def _retry(self, state: State, ask: Question, *lines: Line) -> Reply:
        """`lines`, then `ask` again, everything it is about kept, one more miss counted."""
        kept = state.then(state.place, ask, state.offer, state.suggestion)
        return Reply(lines, ask, dataclasses.replace(
            kept, misses=min(state.misses + 1, MAX_MISSES)))

    def _topic(self, state: State, ask: Question) -> tuple[Line, ...]:
        """What makes `ask` a question on its own: what is offered, or where the person is."""
        if ask == Question.CHOOSE:
            unfinished = state.place and not self._finished(state)
            return (Line("menu"), *((about("menu_resume", state.place),) if unfinished else ()))
        if ask == Question.SUGGEST and state.suggestion:
            return (Line("suggest", state.suggestion.routine, concern=state.suggestion.concern),)
        key = TOPICS.get(ask)
        if ask == Question.RESUME and not state.place:
            key = "saved_place"
        return (self._about(state, ask, key),) if key else ()

    def _about(self, state: State, ask: Question, key: str) -> Line:
        """Line `key`, about what `ask` is about: the relief or routine offered, or the place."""
        if ask == Question.RELIEF:
            return Line(key, self._relief())
        if ask == Question.SUGGEST and state.suggestion:
            return Line(key, state.suggestion.routine, concern=state.suggestion.concern)
        place = state.place or (state.offer if ask == Question.RESUME else None)
        return about(key, place) if place else Line(key)

    def _keep_place(self, state: State, *lines: Line) -> Reply:
        """Say `lines` and re-ask the question still open, so the place and its question stay."""
        pending = state.asked
        if pending not in KEPT_QUESTIONS:
            if state.place:
                pending = self._question_at(state.place)
            elif state.suggestion:
                pending = Question.SUGGEST
            else:
                pending = Question.RESUME if state.offer else Question.CHOOSE
        return Reply(lines, pending, state.then(state.place, pending, state.offer,
                                                state.suggestion))
