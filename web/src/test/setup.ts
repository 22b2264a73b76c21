// jsdom does not implement scrolling; pages call it after navigation.
window.scrollTo = () => {};
